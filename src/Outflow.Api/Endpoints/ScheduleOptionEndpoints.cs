using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outflow.Api.Contracts;
using Outflow.Api.OpenApi;
using Outflow.Api.Syncs;

namespace Outflow.Api.Endpoints;

/// <summary>The schedule frequencies a sync can use.</summary>
internal static class ScheduleOptionEndpoints
{
    public static void MapScheduleOptionEndpoints(this RouteGroupBuilder api)
    {
        // The literal segment outranks /syncs/{id} in routing, so this never reaches Get Sync.
        api.MapGet("/syncs/schedules", GetScheduleOptions)
            .WithName("GetScheduleOptions")
            .WithSummary("Lists the schedule frequencies, each with a JSON Schema of the schedule properties it uses.")
            .WithTags("Syncs")
            .ProducesData<ScheduleOptionsResponse>();
    }

    private static IResult GetScheduleOptions() => ApiResults.Data(new ScheduleOptionsResponse(ScheduleOptions.All));
}
