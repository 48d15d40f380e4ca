using Microsoft.Extensions.Logging;
using OrleansCoord.Errors;
using OrleansCoord.ZooKeeper.Server;
using OrleansCoord.ZooKeeper.Server.Protocol;

namespace OrleansCoord.Silo.Tests.ZooKeeper;

/// <summary>
/// A failure the retry policy does not know is answered SystemError, as before, and now also named in the silo's log:
/// exception type, operation, path and session, never the request's data; failures the policy maps log nothing here.
/// </summary>
public sealed class ZkUnknownFailuresTests
{
    [Fact]
    public async Task UnknownException_IsSystemError_AndOneWarningNamesItsTypeOpAndPath_NotTheData()
    {
        var log = new CapturingLogger();
        var secret = "payload-never-logged"u8.ToArray();
        ZkUnknownFailures.Enter(log, 0x42, new ZkRequest(7, OpCode.Multi, new MultiRecord(
            [(OpCode.SetData, new SetDataRecord("/queue/a", secret, -1)), (OpCode.Delete, new PathVersionRecord("/queue/b", -1))])));

        var (_, error) = await ZkGridCalls.RunAsync<int>(() => throw new InvalidOperationException("the grid's bug"));

        Assert.Equal(CoordErrorCode.SystemError, error);
        var entry = Assert.Single(log.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("System.InvalidOperationException on multi /queue/a (first of 2 ops)", entry.Message);
        Assert.Contains("0x0000000000000042", entry.Message);
        Assert.IsType<InvalidOperationException>(entry.Exception);
        Assert.DoesNotContain("payload-never-logged", entry.Message);
    }

    [Fact]
    public async Task FailureThePolicyMaps_LogsNothing()
    {
        var log = new CapturingLogger();
        ZkUnknownFailures.Enter(log, 1, new ZkRequest(1, OpCode.Delete, new PathVersionRecord("/gone", -1)));

        var (_, error) = await ZkGridCalls.RunAsync<int>(() => throw new CoordException(CoordErrorCode.NoNode, "/gone"));

        Assert.Equal(CoordErrorCode.NoNode, error);
        Assert.Empty(log.Entries);
    }

    private sealed class CapturingLogger : ILogger
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), exception));
    }
}
