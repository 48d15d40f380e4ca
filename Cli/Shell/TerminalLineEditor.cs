using System.Text;

namespace OrleansCoord.Cli.Shell;

/// <summary>
/// Line editing on a terminal with System.Console's own keys (no library: RadLine, the one on offer, is a preview that
/// takes no fixes): ← → Home End Backspace Delete, ↑ ↓ through the history, Ctrl-D on an empty line ends the input.
/// The line is redrawn whole after each key, which is right as long as prompt and line fit the terminal's width.
/// </summary>
internal sealed class TerminalLineEditor(ShellHistory history)
{
    private const char EndOfTransmission = '\u0004';

    /// <summary>Prints <paramref name="prompt"/> and returns the line typed, or null for Ctrl-D on an empty line.</summary>
    public string? ReadLine(string prompt)
    {
        var text = new StringBuilder();
        var cursor = 0;
        var recalled = history.Lines.Count;
        var draft = "";
        Console.Out.Write(prompt);
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    Console.Out.WriteLine();
                    return text.ToString();
                case ConsoleKey.Backspace when cursor > 0:
                    text.Remove(--cursor, 1);
                    break;
                case ConsoleKey.Delete when cursor < text.Length:
                    text.Remove(cursor, 1);
                    break;
                case ConsoleKey.LeftArrow when cursor > 0:
                    cursor--;
                    break;
                case ConsoleKey.RightArrow when cursor < text.Length:
                    cursor++;
                    break;
                case ConsoleKey.Home:
                    cursor = 0;
                    break;
                case ConsoleKey.End:
                    cursor = text.Length;
                    break;
                case ConsoleKey.UpArrow when recalled > 0:
                    if (recalled == history.Lines.Count) draft = text.ToString();
                    cursor = Replace(text, history.Lines[--recalled]);
                    break;
                case ConsoleKey.DownArrow when recalled < history.Lines.Count:
                    recalled++;
                    cursor = Replace(text, recalled == history.Lines.Count ? draft : history.Lines[recalled]);
                    break;
                default:
                    if (key.KeyChar == EndOfTransmission && text.Length == 0)
                    {
                        Console.Out.WriteLine();
                        return null;
                    }

                    if (!char.IsControl(key.KeyChar)) text.Insert(cursor++, key.KeyChar);
                    break;
            }

            Redraw(prompt, text, cursor);
        }
    }

    private static int Replace(StringBuilder text, string line)
    {
        text.Clear().Append(line);
        return line.Length;
    }

    private static void Redraw(string prompt, StringBuilder text, int cursor)
    {
        // Carriage return, prompt and line, erase to the end of the line (ANSI EL), then back to the cursor (ANSI CUB).
        var redraw = new StringBuilder().Append('\r').Append(prompt).Append(text).Append("\u001b[K");
        if (text.Length > cursor) redraw.Append("\u001b[").Append(text.Length - cursor).Append('D');
        Console.Out.Write(redraw.ToString());
    }
}
