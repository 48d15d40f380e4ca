using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using OrleansCoord.Proxy.FastPath.Handoff;

namespace OrleansCoord.Proxy.Tests.FastPath;

/// <summary>
/// The input Kestrel reads on both kinds of handed-over connection, over each kind of source (a socket connection's
/// pipe, a decrypted stream): the bytes already read come first, then the source's; the source's end and failure reach
/// Kestrel's read; a stop wakes the pump wherever it waits.
/// </summary>
public sealed class HandedOverInputTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    public enum SourceKind { Pipe, Stream }

    [Theory]
    [InlineData(SourceKind.Pipe)]
    [InlineData(SourceKind.Stream)]
    public async Task AlreadyReadFirst_ThenTheSources_ThenItsEnd(SourceKind kind)
    {
        var source = new Source(kind, "GET /a HT");

        await source.Sent.Writer.WriteAsync("TP/1.1\r\n"u8.ToArray());
        source.Sent.Writer.Complete();

        Assert.Equal("GET /a HTTP/1.1\r\n", await ReadToEndAsync(source.Input.Reader));
        Assert.Equal(0, source.Failures); // an end is no failure
    }

    [Theory]
    [InlineData(SourceKind.Pipe)]
    [InlineData(SourceKind.Stream)]
    public async Task TheSourceFails_KestrelsReadFailsWithItsError(SourceKind kind)
    {
        var source = new Source(kind, "POST /x HTTP/1.1\r\n");
        var reset = new IOException("connection reset");

        source.Sent.Writer.Complete(reset);

        var failure = await Assert.ThrowsAsync<IOException>(() => ReadToEndAsync(source.Input.Reader));
        Assert.Same(reset, failure);
        await source.Input.StopAsync().WaitAsync(Bound);
        if (kind == SourceKind.Stream) Assert.Equal(1, source.Failures);
    }

    [Theory]
    [InlineData(SourceKind.Pipe)]
    [InlineData(SourceKind.Stream)]
    public async Task Stop_WhileThePumpWaitsForKestrel_EndsIt(SourceKind kind)
    {
        // More than the pause threshold, and nobody reads: the pump's first flush waits.
        var source = new Source(kind, new string('x', 64), pauseThreshold: 16);

        await source.Input.StopAsync().WaitAsync(Bound);

        Assert.Equal(new string('x', 64), await ReadToEndAsync(source.Input.Reader));
        Assert.Equal(0, source.Failures);
        if (kind == SourceKind.Pipe) await source.AssertReaderCompletedAsync();
    }

    [Fact]
    public async Task Stop_WhileThePumpWaitsForThePipeSource_EndsItAndCompletesTheSource()
    {
        var source = new Source(SourceKind.Pipe, "GET / HTTP/1.1\r\n");
        var first = await source.Input.Reader.ReadAsync().AsTask().WaitAsync(Bound);
        source.Input.Reader.AdvanceTo(first.Buffer.End);

        await source.Input.StopAsync().WaitAsync(Bound);

        Assert.Equal("", await ReadToEndAsync(source.Input.Reader));
        await source.AssertReaderCompletedAsync();
    }

    [Fact]
    public async Task KestrelStopsReading_ThePumpEndsAndCompletesThePipeSource()
    {
        var source = new Source(SourceKind.Pipe, "GET / HTTP/1.1\r\n");

        await source.Input.Reader.CompleteAsync();
        await source.Sent.Writer.WriteAsync("more"u8.ToArray()); // the pump copies it, and its flush finds no reader

        await source.AssertReaderCompletedAsync();
    }

    private static async Task<string> ReadToEndAsync(PipeReader reader)
    {
        while (true)
        {
            var read = await reader.ReadAsync().AsTask().WaitAsync(Bound);
            if (read.IsCompleted)
            {
                var text = Encoding.ASCII.GetString(read.Buffer);
                reader.AdvanceTo(read.Buffer.End);
                return text;
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    /// <summary>A handed-over input whose source is fed through <see cref="Sent"/>: its reader, or a stream over it.</summary>
    private sealed class Source
    {
        private int _failures;

        public Source(SourceKind kind, string alreadyRead, long pauseThreshold = 1024 * 1024)
        {
            var prefix = Encoding.ASCII.GetBytes(alreadyRead);
            Input = kind == SourceKind.Pipe
                ? HandedOverInput.Start(prefix, Sent.Reader, MemoryPool<byte>.Shared, PipeScheduler.ThreadPool, pauseThreshold)
                : HandedOverInput.Start(prefix, Sent.Reader.AsStream(), () => Interlocked.Increment(ref _failures), MemoryPool<byte>.Shared,
                    PipeScheduler.ThreadPool, pauseThreshold);
        }

        /// <summary>What the client sends: the source's bytes.</summary>
        public Pipe Sent { get; } = new();

        public HandedOverInput Input { get; }

        /// <summary>How often the stream source's failure was reported.</summary>
        public int Failures => Volatile.Read(ref _failures);

        /// <summary>The pump completed the source's reader: a write past the source's pause threshold ends at once
        /// instead of waiting for a read.</summary>
        public async Task AssertReaderCompletedAsync()
        {
            var flushed = await Sent.Writer.WriteAsync(new byte[1024 * 1024]).AsTask().WaitAsync(Bound);
            Assert.True(flushed.IsCompleted);
        }
    }
}
