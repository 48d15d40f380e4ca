using System.Buffers;
using System.IO.Pipelines;

namespace OrleansCoord.Proxy.FastPath.Handoff;

/// <summary>
/// The input Kestrel reads on a handed-over connection: a pipe that holds first the bytes the fast path had already
/// read and then, copied by a pump, what the connection's source receives: the socket connection's input
/// (<see cref="PrefixedConnection"/>) or the TLS session's decrypted stream (<see cref="DecryptedConnection"/>).
/// </summary>
/// <remarks>
/// The copy costs a little per byte, paid only by handed-over connections (upgrades, HTTP/1.0, chunked bodies...),
/// the rare ones. The pump ends when the source ends (the client closed, or the connection was aborted), when Kestrel
/// stops reading, or when <see cref="StopAsync"/> wakes it; it completes the pipe either way, with the source's error
/// if there was one.
/// </remarks>
internal sealed class HandedOverInput
{
    private readonly Pipe _pipe;
    private readonly PipeReader? _sourcePipe;
    private readonly Stream? _sourceStream;
    private readonly Action? _sourceFailed;
    private readonly Task _pump;

    private HandedOverInput(ReadOnlyMemory<byte> alreadyRead, PipeReader? sourcePipe, Stream? sourceStream, Action? sourceFailed,
        MemoryPool<byte> pool, PipeScheduler readerScheduler, long pauseThreshold)
    {
        _sourcePipe = sourcePipe;
        _sourceStream = sourceStream;
        _sourceFailed = sourceFailed;
        // Kestrel's reads resume as on its own input pipes (inline with inline I/O, else on the thread pool: Kestrel also
        // cancels reads from its heartbeat and shutdown, whose threads must not run a connection), with the same
        // backpressure (MaxReadBufferSize, 1 MiB by default). The pump itself never blocks, so it may run inline.
        _pipe = new Pipe(new PipeOptions(pool, readerScheduler, PipeScheduler.Inline, pauseThreshold, pauseThreshold / 2, useSynchronizationContext: false));
        _pipe.Writer.Write(alreadyRead.Span);
        _pump = PumpAsync();
    }

    /// <summary>Starts copying from <paramref name="source"/> (the socket connection's input), which the pump completes
    /// when it is done: it is the source's only reader.</summary>
    /// <param name="readerScheduler">Where Kestrel's reads resume: as Kestrel's socket transport sets it.</param>
    /// <param name="pauseThreshold">Kestrel's socket input limit (<c>MaxReadBufferSize</c>; 0: none).</param>
    public static HandedOverInput Start(ReadOnlyMemory<byte> alreadyRead, PipeReader source, MemoryPool<byte> pool, PipeScheduler readerScheduler, long pauseThreshold) =>
        new(alreadyRead, source, null, null, pool, readerScheduler, pauseThreshold);

    /// <summary>Starts copying from <paramref name="source"/> (a decrypted stream), which stays its owner's. A stream's
    /// read cannot be cancelled from here: the owner ends it (shuts its socket down) before <see cref="StopAsync"/>.</summary>
    /// <param name="sourceFailed">Called when the source failed, after the pipe is completed with its error; not when
    /// the source only ended.</param>
    public static HandedOverInput Start(ReadOnlyMemory<byte> alreadyRead, Stream source, Action sourceFailed, MemoryPool<byte> pool, PipeScheduler readerScheduler, long pauseThreshold) =>
        new(alreadyRead, null, source, sourceFailed, pool, readerScheduler, pauseThreshold);

    /// <summary>What Kestrel reads.</summary>
    public PipeReader Reader => _pipe.Reader;

    /// <summary>
    /// Wakes the pump, which may be waiting for the client (a read of a pipe source; a stream's owner ends its read
    /// itself) or for Kestrel (a flush), and completes when it is done with the source, so the source can go.
    /// </summary>
    public Task StopAsync()
    {
        _sourcePipe?.CancelPendingRead();
        _pipe.Writer.CancelPendingFlush();
        return _pump;
    }

    private async Task PumpAsync()
    {
        Exception? error = null;
        var writer = _pipe.Writer;
        try
        {
            var flushed = await writer.FlushAsync(); // the bytes the fast path had read
            while (!flushed.IsCompleted && !flushed.IsCanceled)
            {
                bool sourceEnded;
                if (_sourceStream is { } stream)
                {
                    var received = await stream.ReadAsync(writer.GetMemory(4096));
                    if (received == 0) break;
                    writer.Advance(received);
                    sourceEnded = false;
                }
                else
                {
                    var read = await _sourcePipe!.ReadAsync();
                    if (read.IsCanceled) break;
                    foreach (var segment in read.Buffer) writer.Write(segment.Span);
                    _sourcePipe.AdvanceTo(read.Buffer.End);
                    sourceEnded = read.IsCompleted;
                }

                flushed = await writer.FlushAsync();
                if (sourceEnded) break;
            }
        }
        catch (Exception exception)
        {
            // The source's failure (reset, abort) reaches Kestrel's read as it would on a connection Kestrel accepted
            // (a socket connection, or one of its HTTPS port).
            error = exception;
        }

        await writer.CompleteAsync(error);
        if (_sourcePipe is not null) await _sourcePipe.CompleteAsync();
        else if (error is not null) _sourceFailed!();
    }
}
