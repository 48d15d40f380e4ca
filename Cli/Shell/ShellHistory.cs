using System.Globalization;

namespace OrleansCoord.Cli.Shell;

/// <summary>
/// The lines typed in the shell, numbered from 1, for zkCli's <c>history</c> and <c>redo N</c> (and the arrow keys on
/// a terminal). On a terminal they are kept in a file (<c>~/.coord_history</c>, or <c>$COORD_HISTORY</c>) as
/// redis-cli and psql keep theirs; lines piped in are not saved.
/// </summary>
internal sealed class ShellHistory
{
    /// <summary>Environment variable naming the history file; empty: keep none.</summary>
    public const string FileVariable = "COORD_HISTORY";

    private const int MaxLines = 1000;
    private readonly List<string> _lines = [];
    private readonly string? _file;

    private ShellHistory(string? file) => _file = file;

    public IReadOnlyList<string> Lines => _lines;

    /// <summary>An in-memory history (lines piped in).</summary>
    public static ShellHistory InMemory() => new(null);

    /// <summary>A history loaded from, and appended to, the history file.</summary>
    public static ShellHistory FromFile()
    {
        var file = Environment.GetEnvironmentVariable(FileVariable)
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".coord_history");
        var history = new ShellHistory(file.Length == 0 ? null : file);
        try
        {
            if (history._file is not null && File.Exists(history._file))
            {
                var saved = File.ReadAllLines(history._file);
                history._lines.AddRange(saved.TakeLast(MaxLines));
                // Kept to its last lines, so that the file does not grow without end.
                if (saved.Length > 2 * MaxLines) File.WriteAllLines(history._file, history._lines);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // An unreadable history is no reason to refuse a shell.
        }

        return history;
    }

    public void Add(string line)
    {
        _lines.Add(line);
        try
        {
            if (_file is not null) File.AppendAllLines(_file, [line]);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Not saved: the line still counts in this shell.
        }
    }

    /// <summary>zkCli's layout: <c>N - line</c>, oldest first.</summary>
    public IEnumerable<string> Listing() =>
        _lines.Select((line, index) => $"{(index + 1).ToString(CultureInfo.InvariantCulture)} - {line}");

    /// <summary>Line <paramref name="number"/> (from 1), or null when there is none.</summary>
    public string? At(int number) => number >= 1 && number <= _lines.Count ? _lines[number - 1] : null;
}
