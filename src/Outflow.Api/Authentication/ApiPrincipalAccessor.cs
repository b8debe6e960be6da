using Microsoft.AspNetCore.Http;
using Outflow.Core.Organizations;

namespace Outflow.Api.Authentication;

/// <summary>Stores the authenticated caller of a request and reads it back in endpoint handlers.</summary>
internal static class ApiPrincipalAccessor
{
    private static readonly object ItemKey = new();

    public static void SetApiPrincipal(this HttpContext context, ApiPrincipal principal) =>
        context.Items[ItemKey] = principal;

    /// <exception cref="InvalidOperationException">The endpoint ran without authentication, which is a routing bug.</exception>
    public static ApiPrincipal GetApiPrincipal(this HttpContext context) =>
        context.Items.TryGetValue(ItemKey, out var value) && value is ApiPrincipal principal
            ? principal
            : throw new InvalidOperationException("the endpoint ran without an authenticated API key");
}
