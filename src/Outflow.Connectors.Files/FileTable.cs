using System.Text;
using System.Text.Json;

namespace Outflow.Connectors.Files;

/// <summary>
/// The records of one file as cells (see <see cref="FileValueText"/>), which replace mode rewrites as a whole. A null
/// cell is an empty CSV field, or a property that a JSON Lines object lacks.
/// </summary>
internal sealed class FileTable(FileFormat format)
{
    public List<string> Columns { get; } = [];

    public List<string?[]> Rows { get; } = [];

    /// <summary>Parses a file's text.</summary>
    /// <exception cref="FormatException">The text is not valid CSV with a header row, or a line is not a JSON object.</exception>
    public static FileTable Parse(FileFormat format, string text)
    {
        var table = new FileTable(format);
        if (format == FileFormat.Csv)
        {
            var rows = CsvText.Parse(text);
            if (rows.Count == 0)
            {
                return table;
            }

            table.Columns.AddRange(rows[0].Select((name, i) => name ?? throw new FormatException($"CSV header column {i + 1} is empty")));
            foreach (var row in rows.Skip(1))
            {
                var cells = new string?[table.Columns.Count];
                Array.Copy(row, cells, Math.Min(row.Length, cells.Length));
                table.Rows.Add(cells);
            }

            return table;
        }

        var objects = new List<Dictionary<string, string>>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0)
            {
                continue;
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException exception)
            {
                throw new FormatException($"line {lineNumber} is not valid JSON", exception);
            }

            using (document)
            {
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new FormatException($"line {lineNumber} is not a JSON object");
                }

                var record = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (!record.ContainsKey(property.Name) && !table.Columns.Contains(property.Name))
                    {
                        table.Columns.Add(property.Name);
                    }

                    record[property.Name] = property.Value.GetRawText();
                }

                objects.Add(record);
            }
        }

        foreach (var record in objects)
        {
            table.Rows.Add([.. table.Columns.Select(c => record.GetValueOrDefault(c))]);
        }

        return table;
    }

    /// <summary>Returns the index of a column, adding it (empty in every row) when it is missing.</summary>
    public int EnsureColumn(string name)
    {
        var index = Columns.IndexOf(name);
        if (index >= 0)
        {
            return index;
        }

        Columns.Add(name);
        for (var i = 0; i < Rows.Count; i++)
        {
            var cells = Rows[i];
            Array.Resize(ref cells, Columns.Count);
            Rows[i] = cells;
        }

        return Columns.Count - 1;
    }

    public string Serialize()
    {
        var output = new StringBuilder();
        if (format == FileFormat.Csv)
        {
            if (Columns.Count > 0)
            {
                CsvText.AppendRow(output, Columns);
            }

            foreach (var row in Rows)
            {
                CsvText.AppendRow(output, row);
            }

            return output.ToString();
        }

        foreach (var row in Rows)
        {
            AppendJsonLine(output, Columns, row);
        }

        return output.ToString();
    }

    /// <summary>Appends one JSON Lines record; null cells are left out of the object.</summary>
    public static void AppendJsonLine(StringBuilder output, IReadOnlyList<string> columns, IReadOnlyList<string?> cells)
    {
        output.Append('{');
        var first = true;
        for (var i = 0; i < columns.Count; i++)
        {
            if (cells[i] is not { } cell)
            {
                continue;
            }

            if (!first)
            {
                output.Append(',');
            }

            first = false;
            output.Append(FileValueText.ToJson(columns[i])).Append(':').Append(cell);
        }

        output.Append("}\n");
    }
}
