namespace Outflow.Api.Paging;

/// <summary>
/// What a page token is valid for: the list (<see cref="Kind"/>), the organization, the parent object (the sync
/// of an execution list) and the filter values. A token presented with any other scope is rejected.
/// </summary>
internal sealed record PageTokenScope(string Kind, Guid OrganizationId, Guid? ParentId, string Filter);
