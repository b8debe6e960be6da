namespace Outflow.Store.Rows;

internal sealed class ConsoleLogRow
{
    public long TimestampMs { get; set; }

    public long Sequence { get; set; }

    public string Level { get; set; } = "";

    public string Message { get; set; } = "";

    public string? Payload { get; set; }
}
