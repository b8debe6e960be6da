using System.Text;

namespace Outflow.Connectors.Files;

/// <summary>
/// Writes and reads RFC 4180 CSV. A null cell is written as an empty field and an empty string as <c>""</c>, so that
/// reading a file back tells them apart.
/// </summary>
internal static class CsvText
{
    public const string LineEnd = "\r\n";

    public static void AppendRow(StringBuilder output, IReadOnlyList<string?> cells)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                output.Append(',');
            }

            AppendCell(output, cells[i]);
        }

        output.Append(LineEnd);
    }

    private static void AppendCell(StringBuilder output, string? cell)
    {
        if (cell is null)
        {
            return;
        }

        if (cell.Length > 0 && cell.IndexOfAny([',', '"', '\r', '\n']) < 0)
        {
            output.Append(cell);
            return;
        }

        output.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }

    /// <summary>
    /// Parses CSV text into rows of cells; an unquoted empty field is null. Rows may end with CRLF or LF, and the last
    /// row may lack a line end.
    /// </summary>
    /// <exception cref="FormatException">A quoted field is not closed, or a quote is followed by something other than a separator or line end.</exception>
    public static List<string?[]> Parse(string text)
    {
        var rows = new List<string?[]>();
        var row = new List<string?>();
        var cell = new StringBuilder();
        var position = 0;
        while (position < text.Length)
        {
            string? value;
            if (text[position] == '"')
            {
                position++;
                cell.Clear();
                while (true)
                {
                    if (position >= text.Length)
                    {
                        throw new FormatException($"a quoted CSV field in row {rows.Count + 1} is not closed");
                    }

                    if (text[position] == '"')
                    {
                        if (position + 1 < text.Length && text[position + 1] == '"')
                        {
                            cell.Append('"');
                            position += 2;
                            continue;
                        }

                        position++;
                        break;
                    }

                    cell.Append(text[position]);
                    position++;
                }

                value = cell.ToString();
            }
            else
            {
                var end = position;
                while (end < text.Length && text[end] is not (',' or '\r' or '\n'))
                {
                    end++;
                }

                value = end == position ? null : text[position..end];
                position = end;
            }

            row.Add(value);
            if (position >= text.Length)
            {
                rows.Add([.. row]);
                break;
            }

            switch (text[position])
            {
                case ',':
                    position++;
                    if (position == text.Length)
                    {
                        row.Add(null);
                        rows.Add([.. row]);
                    }

                    break;
                case '\r' when position + 1 < text.Length && text[position + 1] == '\n':
                    position += 2;
                    rows.Add([.. row]);
                    row.Clear();
                    break;
                case '\n':
                    position++;
                    rows.Add([.. row]);
                    row.Clear();
                    break;
                default:
                    throw new FormatException($"a quoted CSV field in row {rows.Count + 1} is followed by text before the next separator");
            }
        }

        return rows;
    }
}
