using System.Diagnostics;

namespace OrleansCoord.Silo.Launchers.Processes;

/// <summary>
/// Keeps the last lines a child process wrote, so its output stays out of the silo's (and the tests')
/// stdout and is shown only when something fails.
/// </summary>
internal sealed class OutputTail
{
    private readonly Queue<string> _lines = new();
    private readonly int _capacity;

    public OutputTail(int capacity = 40) => _capacity = capacity;

    /// <summary>Drains stdout and stderr of a started process into this tail (draining also keeps the child from blocking on a full pipe).</summary>
    public void Attach(Process process)
    {
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) => Add(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The kept lines, oldest first.</summary>
    public override string ToString()
    {
        lock (_lines) return string.Join(Environment.NewLine, _lines);
    }

    private void Add(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > _capacity) _lines.Dequeue();
        }
    }
}
