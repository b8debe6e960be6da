namespace Outflow.Core.Connectors;

/// <summary>
/// A retry that a target connector makes inside one <see cref="ITargetConnector.WriteAsync"/> call:
/// <see cref="Records"/> records failed on attempt <see cref="Attempt"/> of <see cref="MaxAttempts"/> with
/// <see cref="Reason"/>, and are sent again after <see cref="Delay"/>.
/// </summary>
public sealed record TargetRetry(int Records, int Attempt, int MaxAttempts, TimeSpan Delay, string Reason);
