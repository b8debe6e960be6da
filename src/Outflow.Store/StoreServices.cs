using Microsoft.Extensions.DependencyInjection;
using Outflow.Core.Connections;
using Outflow.Core.Executions;
using Outflow.Core.Idempotency;
using Outflow.Core.Jobs;
using Outflow.Core.Models;
using Outflow.Core.Organizations;
using Outflow.Core.Security;
using Outflow.Core.Storage;
using Outflow.Core.Syncs;

namespace Outflow.Store;

/// <summary>The registrations every back end shares once its <see cref="IStoreDatabase"/> is registered.</summary>
internal static class StoreServices
{
    public static IServiceCollection AddStores(IServiceCollection services)
    {
        services.AddSingleton(provider => new SecretProtector(provider.GetRequiredService<MasterKey>()));
        services.AddSingleton<IStoreMaintenance, StoreMaintenance>();
        services.AddSingleton<IOrganizationStore, OrganizationStore>();
        services.AddSingleton<IConnectionStore, ConnectionStore>();
        services.AddSingleton<IModelStore, ModelStore>();
        services.AddSingleton<ISyncStore, SyncStore>();
        services.AddSingleton<IExecutionStore, ExecutionStore>();
        services.AddSingleton<ISyncStateStore, SyncStateStore>();
        services.AddSingleton<IExecutionConsoleLog, ExecutionConsoleLog>();
        services.AddSingleton<IExecutionLogStore, ExecutionLogStore>();
        services.AddSingleton<IIdempotencyStore, IdempotencyStore>();
        services.AddSingleton<IJobStore, JobStore>();
        return services;
    }
}
