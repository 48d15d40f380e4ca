using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace OrleansCoord.Explorer.Sessions;

/// <summary>
/// Which browser a request comes from: a random id in an HttpOnly cookie that the page's first load sets. It only
/// groups requests for the per-browser limits; it proves nothing (editing needs a proven identity on top).
/// </summary>
internal static class BrowserId
{
    public const string Cookie = "coord-explorer";

    /// <summary>The request's browser id, or one made now and set as the cookie of the answer.</summary>
    public static string Of(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(Cookie, out var id) && id.Length == 32 && id.All(char.IsAsciiHexDigit)) return id;
        id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        context.Response.Cookies.Append(Cookie, id, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = context.Request.IsHttps,
            Path = "/explorer",
        });
        return id;
    }
}
