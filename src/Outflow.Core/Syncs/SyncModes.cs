namespace Outflow.Core.Syncs;

/// <summary>Wire names of <see cref="SyncMode"/> values, which are exact and case-sensitive.</summary>
public static class SyncModes
{
    private static readonly Dictionary<SyncMode, string> Names = new()
    {
        [SyncMode.Create] = "create",
        [SyncMode.Update] = "update",
        [SyncMode.UpdateOrCreate] = "updateOrCreate",
        [SyncMode.Replace] = "replace",
        [SyncMode.Append] = "append",
        [SyncMode.Remove] = "remove",
        [SyncMode.Snapshot] = "snapshot",
    };

    private static readonly Dictionary<string, SyncMode> Values =
        Names.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    public static string ToWire(this SyncMode mode) => Names[mode];

    public static bool TryParse(string? text, out SyncMode mode) => Values.TryGetValue(text ?? "", out mode);

    /// <summary>Returns true for the modes that match model rows to target records by identity.</summary>
    public static bool RequiresIdentity(this SyncMode mode) => mode is not (SyncMode.Append or SyncMode.Snapshot);

    public static IEnumerable<string> WireNames => Names.Values;
}
