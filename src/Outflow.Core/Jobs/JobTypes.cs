namespace Outflow.Core.Jobs;

/// <summary>The job types that Get Job accepts in its path.</summary>
public static class JobTypes
{
    public const string CreateModel = "createmodel";
    public const string UpdateModel = "updatemodel";
    public const string PreviewModel = "previewmodel";
    public const string SampleModel = "samplemodel";

    /// <summary>Log exports; no route starts one yet, so no job of this type exists.</summary>
    public const string ExportLogs = "exportlogs";

    public static IReadOnlyList<string> All { get; } = [CreateModel, UpdateModel, PreviewModel, SampleModel, ExportLogs];
}
