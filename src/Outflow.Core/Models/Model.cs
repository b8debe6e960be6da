using System.Text.Json.Nodes;
using Outflow.Core.Organizations;

namespace Outflow.Core.Models;

/// <summary>A saved query or table on a source connection whose columns become fields that syncs map from.</summary>
public sealed class Model
{
    public required Guid Id { get; init; }

    public required Guid OrganizationId { get; init; }

    public required Guid ConnectionId { get; set; }

    /// <summary>The source connection's type id, e.g. <c>sqlite</c>.</summary>
    public required string ConnectionType { get; set; }

    public required string Name { get; set; }

    /// <summary><c>{"query": "…"}</c> or <c>{"table": "…"}</c>.</summary>
    public required JsonObject Configuration { get; set; }

    public required IReadOnlyList<ModelField> Fields { get; set; }

    public string? Identifier { get; set; }

    public IReadOnlyList<string> TrackingColumns { get; set; } = [];

    /// <summary>Increments on each change, starting at 1.</summary>
    public int Version { get; set; } = 1;

    public required DateTimeOffset CreatedAt { get; init; }

    public required DateTimeOffset UpdatedAt { get; set; }

    public required Actor CreatedBy { get; init; }

    public required Actor UpdatedBy { get; set; }
}
