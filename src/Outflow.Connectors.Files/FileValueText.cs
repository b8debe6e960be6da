using System.Globalization;
using System.Text;
using System.Text.Json;
using Outflow.Core.Connectors;

namespace Outflow.Connectors.Files;

/// <summary>
/// Encodes source values (the forms <see cref="ISourceReader"/> returns) as the cells that files store. A CSV cell is
/// the value's text, null for SQL NULL. A JSON Lines cell is the value's JSON text as <see cref="JsonValueWriter"/>
/// writes it. Both forms compare equal for equal values, so identities are matched by comparing cells.
/// </summary>
internal static class FileValueText
{
    /// <summary>Returns the CSV text of a value, or null for SQL NULL.</summary>
    public static string? ToCsv(object? value) => value switch
    {
        null => null,
        bool boolean => boolean ? "true" : "false",
        long integer => integer.ToString(CultureInfo.InvariantCulture),
        decimal number => number.ToString(CultureInfo.InvariantCulture),
        double real => real.ToString("R", CultureInfo.InvariantCulture),
        string text => text,

        // The same text as the JSON strings that JsonValueWriter writes, so both formats show a value alike.
        DateTimeOffset or DateTime => ToJson(value).Trim('"'),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly time => time.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture),
    };

    /// <summary>Returns the JSON text of a value.</summary>
    public static string ToJson(object? value)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            JsonValueWriter.Write(writer, value);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Returns the cell of a value in <paramref name="format"/>.</summary>
    public static string? ToCell(FileFormat format, object? value) => format == FileFormat.Csv ? ToCsv(value) : ToJson(value);

    /// <summary>
    /// Returns the text that identity matching compares for a cell: the CSV text, or for JSON Lines the string's value
    /// or the number's text. The engine may pass an identity as text (a delete of a record whose row left the model),
    /// so the JSON string "1" and the number 1 match alike.
    /// </summary>
    public static string? ToIdentityKey(FileFormat format, string? cell)
    {
        if (format == FileFormat.Csv || cell is null || cell.Length == 0 || cell[0] != '"')
        {
            return cell;
        }

        using var document = JsonDocument.Parse(cell);
        return document.RootElement.GetString();
    }

    /// <summary>Whether a cell contains no value, so that a create-only field may still be written.</summary>
    public static bool IsEmpty(FileFormat format, string? cell) => format == FileFormat.Csv ? cell is null : cell is null or "null";
}
