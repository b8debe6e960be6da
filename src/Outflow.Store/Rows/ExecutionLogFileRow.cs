namespace Outflow.Store.Rows;

internal sealed class ExecutionLogFileRow
{
    public string Type { get; set; } = "";

    public string Name { get; set; } = "";

    public long Records { get; set; }

    public long Bytes { get; set; }
}
