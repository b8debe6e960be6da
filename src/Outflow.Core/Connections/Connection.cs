using System.Text.Json.Nodes;
using Outflow.Core.Organizations;

namespace Outflow.Core.Connections;

/// <summary>
/// A configured connection to a source or target system. <see cref="Configuration"/> contains secrets in
/// clear text in memory only; the store encrypts it and the API masks secret keys.
/// </summary>
public sealed class Connection
{
    public required Guid Id { get; init; }

    public required Guid OrganizationId { get; init; }

    public required string Name { get; set; }

    /// <summary>The connection type id, e.g. <c>postgresql</c>.</summary>
    public required string Type { get; init; }

    public required JsonObject Configuration { get; set; }

    /// <summary>Health as last checked: <c>healthy</c> or <c>unhealthy</c>.</summary>
    public string Status { get; set; } = "healthy";

    public string? StatusError { get; set; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; set; }

    public required Actor CreatedBy { get; init; }

    public required Actor UpdatedBy { get; set; }
}
