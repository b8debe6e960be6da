namespace Outflow.Core.Jobs;

/// <summary>The state of a <see cref="Job"/>; the wire names are the lowercase member names.</summary>
public enum JobStatus
{
    Created,
    Running,
    Done,
    Failed,
}
