using Microsoft.AspNetCore.Http;

namespace OrleansCoord.Proxy.Forwarding;

/// <summary>
/// On the Kestrel + YARP path, drops request headers whose names contain an underscore, as nginx does by default
/// (<c>underscores_in_headers off</c>) and as the fast path does (RequestHead): an upstream that maps header names to
/// variables (CGI, WSGI, PHP) reads <c>X_Forwarded_For</c> as the <c>X-Forwarded-For</c> the proxy writes. Off with
/// <c>--underscores-in-headers true</c>.
/// </summary>
internal static class UnderscoredHeaders
{
    public static Task DropAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Request.Headers;
        List<string>? underscored = null;
        foreach (var name in headers.Keys)
        {
            if (name.Contains('_')) (underscored ??= []).Add(name);
        }

        if (underscored is not null)
        {
            foreach (var name in underscored) headers.Remove(name);
        }

        return next(context);
    }
}
