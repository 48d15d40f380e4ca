namespace OrleansCoord.Cli.Shell;

/// <summary>
/// Where the shell's lines come from: a terminal (a prompt, line editing, the history saved to a file) or a pipe (a
/// script: no prompt, nothing saved). Reading can be interrupted, which reads as the end of input.
/// </summary>
internal sealed class ShellInput
{
    private readonly TaskCompletionSource _interrupted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TerminalLineEditor? _editor;
    private Task<string?>? _pending;

    private ShellInput(ShellHistory history, bool terminal)
    {
        History = history;
        _editor = terminal ? new TerminalLineEditor(history) : null;
    }

    public ShellHistory History { get; }

    public static ShellInput ForConsole() =>
        Console.IsInputRedirected ? new ShellInput(ShellHistory.InMemory(), terminal: false) : new ShellInput(ShellHistory.FromFile(), terminal: true);

    /// <summary>The next line, or null at the end of input or after <see cref="Interrupt"/>.</summary>
    public async Task<string?> ReadLineAsync(string prompt)
    {
        // Console reads block; run on the pool so that an interrupt need not wait for a line.
        _pending ??= _editor is { } editor ? Task.Run(() => editor.ReadLine(prompt)) : Task.Run(Console.In.ReadLine);
        if (await Task.WhenAny(_pending, _interrupted.Task) != _pending)
        {
            if (_editor is not null) Console.Out.WriteLine();
            return null;
        }

        var line = await _pending;
        _pending = null;
        return line;
    }

    /// <summary>Ends the input: the pending and every later read return null.</summary>
    public void Interrupt() => _interrupted.TrySetResult();
}
