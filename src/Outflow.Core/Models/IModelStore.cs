namespace Outflow.Core.Models;

/// <summary>Models of an organization. Every lookup is scoped by organization id.</summary>
public interface IModelStore
{
    /// <summary>Lists models by <c>updated_at</c> descending, then id.</summary>
    Task<IReadOnlyList<Model>> ListAsync(Guid organizationId, CancellationToken cancellationToken);

    Task<Model?> GetAsync(Guid organizationId, Guid id, CancellationToken cancellationToken);

    Task InsertAsync(Model model, CancellationToken cancellationToken);

    Task UpdateAsync(Model model, CancellationToken cancellationToken);

    /// <summary>Lists the syncs whose configuration references the model.</summary>
    Task<IReadOnlyList<Guid>> ListSyncIdsUsingAsync(Guid organizationId, Guid id, CancellationToken cancellationToken);

    /// <summary>Deletes the model only; syncs that use it fail on their next execution.</summary>
    Task DeleteAsync(Guid organizationId, Guid id, CancellationToken cancellationToken);
}
