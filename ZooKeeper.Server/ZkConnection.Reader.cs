using System.Diagnostics;
using OrleansCoord.Errors;
using OrleansCoord.ZooKeeper.Server.Jute;
using OrleansCoord.ZooKeeper.Server.Protocol;

namespace OrleansCoord.ZooKeeper.Server;

/// <summary>
/// The reader: decodes the requests in arrival order, queues a place for each reply before its request starts, and
/// starts each as soon as the requests it must follow are done. A packet it cannot decode ends the reading.
/// </summary>
internal sealed partial class ZkConnection
{
    private async Task ReadLoopAsync()
    {
        var input = _connection.Transport.Input;
        var packets = new List<byte[]>();
        while (!_closing.IsCancellationRequested)
        {
            var result = await input.ReadAsync(_closing.Token);
            // When the requests were read: a packet's latency includes its wait behind the others of the same read.
            var readAt = Stopwatch.GetTimestamp();
            var buffer = result.Buffer;
            var framingLost = false;
            try
            {
                while (ZkFrames.TryRead(ref buffer, 8, out var packet)) packets.Add(packet);
            }
            catch (InvalidDataException exception)
            {
                // A length we cannot trust: the stream has lost its framing; the packets before it still count.
                LogBadFrame(_logger, _session.SessionId, exception.Message);
                framingLost = true;
            }

            input.AdvanceTo(framingLost ? buffer.End : buffer.Start, buffer.End);
            foreach (var packet in packets)
            {
                if (!await AcceptAsync(packet, readAt)) return;
            }

            packets.Clear();
            if (framingLost || result.IsCompleted || result.IsCanceled) return;
        }
    }

    /// <summary>Decodes and starts one request; false when the connection must stop reading.</summary>
    private async Task<bool> AcceptAsync(byte[] packet, long readAt)
    {
        Volatile.Write(ref _lastReceivedTicks, readAt);
        _stats.OnReceived();
        Interlocked.Increment(ref _received);
        int xid;
        int type;
        ZkRecord? body;
        try
        {
            (xid, type, body) = ZkRequestDecoder.Decode(packet);
            Figures.OnRequest(type, xid);
        }
        catch (JuteFormatException exception)
        {
            LogBadFrame(_logger, _session.SessionId, exception.Message);
            var header = packet.Length >= 4 ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(packet) : 0;
            _out.Writer.TryWrite(new Pending(Task.FromResult(new ZkReply { Xid = header, Error = CoordErrorCode.MarshallingError, CloseAfter = true }), readAt, false, UnknownType));
            return false;
        }

        if (body is null)
        {
            LogUnknownType(_logger, _session.SessionId, type);
            _out.Writer.TryWrite(new Pending(Task.FromResult(new ZkReply { Xid = xid, Error = CoordErrorCode.Unimplemented, CloseAfter = true }), readAt, false, type));
            return false;
        }

        await _window.WaitAsync(_closing.Token);
        Interlocked.Increment(ref _outstanding);
        var request = new ZkRequest(xid, type, body);
        var (predecessors, token) = _order.Enter(ZkOrderKeys.Of(type, body));
        var reply = new TaskCompletionSource<ZkReply>();
        // Queued before it starts: an event it subscribes to can only come after its reply in the queue.
        _out.Writer.TryWrite(new Pending(reply.Task, readAt, true, type));
        _ = RunRequestAsync(request, predecessors, token, reply);
        return type != OpCode.CloseSession;
    }

    private async Task RunRequestAsync(ZkRequest request, Task predecessors, object token, TaskCompletionSource<ZkReply> reply)
    {
        try
        {
            await predecessors;
            reply.TrySetResult(await _operations.RunAsync(request));
        }
        catch (Exception exception)
        {
            LogRequestFailed(_logger, _session.SessionId, request.Type, exception);
            reply.TrySetResult(ZkReply.Failed(request.Xid, CoordErrorCode.SystemError));
        }
        finally
        {
            _order.Done(token);
        }
    }

    /// <summary>The opcode of a packet that could not be decoded.</summary>
    private const int UnknownType = int.MinValue;

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper session 0x{SessionId:x16}: bad packet ({Reason}); closing the connection")]
    private static partial void LogBadFrame(ILogger logger, long sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "ZooKeeper session 0x{SessionId:x16}: unknown request type {Type}; closing the connection")]
    private static partial void LogUnknownType(ILogger logger, long sessionId, int type);

    [LoggerMessage(Level = LogLevel.Warning, Message = "ZooKeeper session 0x{SessionId:x16}: request of type {Type} failed")]
    private static partial void LogRequestFailed(ILogger logger, long sessionId, int type, Exception exception);
}
