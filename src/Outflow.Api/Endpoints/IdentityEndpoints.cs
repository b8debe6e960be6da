using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Outflow.Api.Authentication;
using Outflow.Api.Contracts;
using Outflow.Api.OpenApi;
using Outflow.Core.Organizations;

namespace Outflow.Api.Endpoints;

/// <summary>The identity endpoint, which lets a caller check its API key.</summary>
internal static class IdentityEndpoints
{
    public static void MapIdentityEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/me", GetIdentity)
            .WithName("GetIdentity")
            .WithSummary("Returns the caller behind the API key: the key's organization and whether it is a user or organization key.")
            .WithTags("Identity")
            .ProducesData<IdentityResponse>();
    }

    private static IResult GetIdentity(HttpContext context)
    {
        var principal = context.GetApiPrincipal();
        var isUser = principal.Kind == ApiKeyKind.User;
        return ApiResults.Data(new IdentityResponse
        {
            Id = isUser ? principal.KeyId.ToString() : null,
            OrganizationId = principal.Organization.Id,
            OrganizationName = principal.Organization.Name,
            IsUser = isUser,
            IsOrganization = !isUser,
        });
    }
}
