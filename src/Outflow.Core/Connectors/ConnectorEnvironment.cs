namespace Outflow.Core.Connectors;

/// <summary>
/// Server settings a connector needs. <see cref="FilesRoot"/> is an absolute path and the only
/// directory that file-based connections (<c>sqlite</c>, <c>files</c>) may touch.
/// </summary>
public sealed record ConnectorEnvironment(string FilesRoot);
