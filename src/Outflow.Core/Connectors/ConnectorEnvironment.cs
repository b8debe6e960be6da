namespace Outflow.Core.Connectors;

/// <summary>
/// Server settings a connector needs. <see cref="FilesRoot"/> is an absolute path and the only
/// directory that file-based connections (<c>sqlite</c>, <c>files</c>) may touch.
/// </summary>
/// <remarks>NOTE: every organization of a server shares this one root, so their file connections can reach each other's files.</remarks>
public sealed record ConnectorEnvironment(string FilesRoot);
