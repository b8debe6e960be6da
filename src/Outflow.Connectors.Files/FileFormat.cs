namespace Outflow.Connectors.Files;

/// <summary>The record format of a <c>files</c> connection.</summary>
internal enum FileFormat
{
    /// <summary>RFC 4180 CSV with a header row and CRLF line ends.</summary>
    Csv,

    /// <summary>JSON Lines: one JSON object per record, each ended by LF.</summary>
    Jsonl,
}

internal static class FileFormats
{
    public static string ToWire(this FileFormat format) => format == FileFormat.Csv ? "csv" : "jsonl";

    /// <summary>The file name extension, with its dot, that discovery lists.</summary>
    public static string Extension(this FileFormat format) => format == FileFormat.Csv ? ".csv" : ".jsonl";
}
