using System.Text;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Yarp.ReverseProxy.Model;

namespace OrleansCoord.Proxy.FastPath;

/// <summary>What the route table says about a request.</summary>
internal enum RouteMatch
{
    Found,
    NotFound,

    /// <summary>The table cannot answer as ASP.NET routing would (a pattern or host it does not model, or a tie that
    /// routing would report as ambiguous): the request goes to Kestrel and YARP.</summary>
    Unsure,
}

/// <summary>
/// YARP's routes, read from the same endpoints ASP.NET routing uses, for the patterns the grid's routes take:
/// literal segments with an optional trailing catch-all (<c>/api/{**rest}</c>) and exact host names. Candidates are
/// ranked as endpoint routing ranks them: order, then template precedence (a literal beats a catch-all, a longer
/// literal prefix beats a shorter one), then routes with hosts before routes without. A route of another kind
/// (a parameter segment, a wildcard host, methods, ...) makes every request its literal prefix could match
/// <see cref="RouteMatch.Unsure"/>, so that route order can never differ between the two paths; an endpoint that is
/// not YARP's makes the whole table unsure. Immutable; rebuilt when the endpoints change.
/// </summary>
internal sealed class RouteTable
{
    private readonly Route[]? _routes;
    private readonly byte[][][] _opaquePrefixes;

    private RouteTable(Route[]? routes, byte[][][] opaquePrefixes) => (_routes, _opaquePrefixes) = (routes, opaquePrefixes);

    public static RouteTable Build(IReadOnlyList<Endpoint> endpoints)
    {
        var routes = new List<Route>();
        var opaque = new List<byte[][]>();
        foreach (var endpoint in endpoints)
        {
            if (endpoint is not RouteEndpoint routeEndpoint || routeEndpoint.Metadata.GetMetadata<RouteModel>() is not { } model) return new RouteTable(null, []);
            if (Route.From(routeEndpoint, model) is { } route) routes.Add(route);
            else opaque.Add(LiteralPrefix(routeEndpoint.RoutePattern));
        }

        routes.Sort((a, b) => a.Order != b.Order ? a.Order.CompareTo(b.Order)
            : a.Precedence != b.Precedence ? a.Precedence.CompareTo(b.Precedence)
            : (b.Hosts.Length > 0).CompareTo(a.Hosts.Length > 0));
        return new RouteTable([.. routes], [.. opaque]);
    }

    public RouteMatch Match(ReadOnlySpan<byte> path, ReadOnlySpan<byte> hostHeader, out RouteModel? model)
    {
        model = null;
        if (_routes is null) return RouteMatch.Unsure;
        foreach (var prefix in _opaquePrefixes)
        {
            if (MatchLiterals(prefix, path, out _)) return RouteMatch.Unsure;
        }

        var colon = hostHeader.IndexOf((byte)':');
        var host = colon < 0 ? hostHeader : hostHeader[..colon];
        Route? found = null;
        foreach (var route in _routes)
        {
            if (!route.Matches(path, host)) continue;
            if (found is null)
            {
                found = route;
                continue;
            }

            // Routing would find two equally good endpoints and fail the request as ambiguous: leave that to it.
            if (route.Order == found.Order && route.Precedence == found.Precedence && route.Hosts.Length > 0 == found.Hosts.Length > 0) return RouteMatch.Unsure;
            break;
        }

        model = found?.Model;
        return found is null ? RouteMatch.NotFound : RouteMatch.Found;
    }

    /// <summary>Whether the path's first segments are <paramref name="literals"/> (ignoring case); <paramref name="rest"/>
    /// is what follows them.</summary>
    private static bool MatchLiterals(byte[][] literals, ReadOnlySpan<byte> path, out ReadOnlySpan<byte> rest)
    {
        rest = path.Length > 0 && path[0] == '/' ? path[1..] : path;
        foreach (var literal in literals)
        {
            if (rest.IsEmpty) return false;
            var slash = rest.IndexOf((byte)'/');
            var segment = slash < 0 ? rest : rest[..slash];
            if (!Ascii.EqualsIgnoreCase(segment, literal)) return false;
            rest = slash < 0 ? [] : rest[(slash + 1)..];
        }

        return true;
    }

    // The literal segments a pattern starts with: every path they begin may match it.
    private static byte[][] LiteralPrefix(RoutePattern pattern) =>
        [.. pattern.PathSegments.TakeWhile(s => s.Parts is [RoutePatternLiteralPart]).Select(s => Encoding.UTF8.GetBytes(((RoutePatternLiteralPart)s.Parts[0]).Content))];

    private sealed record Route(RouteModel Model, int Order, decimal Precedence, byte[][] Literals, bool CatchAll, byte[][] Hosts)
    {
        public static Route? From(RouteEndpoint endpoint, RouteModel model)
        {
            if (!IsPlain(model, endpoint)) return null;
            var segments = endpoint.RoutePattern.PathSegments;
            var literals = new List<byte[]>();
            var catchAll = false;
            for (var i = 0; i < segments.Count; i++)
            {
                var parts = segments[i].Parts;
                if (parts is [RoutePatternLiteralPart literal]) literals.Add(Encoding.UTF8.GetBytes(literal.Content));
                else if (parts is [RoutePatternParameterPart { IsCatchAll: true, ParameterPolicies.Count: 0 }] && i == segments.Count - 1) catchAll = true;
                else return null;
            }

            var hosts = endpoint.Metadata.GetMetadata<IHostMetadata>()?.Hosts ?? [];
            if (hosts.Any(h => h.Contains('*') || h.Contains(':') || h.Any(c => c > 0x7E))) return null;
            return new Route(model, endpoint.Order, RoutePrecedence.ComputeInbound(new RouteTemplate(endpoint.RoutePattern)),
                [.. literals], catchAll, [.. hosts.Select(Encoding.ASCII.GetBytes)]);
        }

        // Only path and host matching: a route with methods, header or query matchers, or policies, is YARP's alone.
        private static bool IsPlain(RouteModel model, RouteEndpoint endpoint)
        {
            var config = model.Config;
            return config.Match.Methods is null or { Count: 0 } && config.Match.Headers is null or { Count: 0 }
                && config.Match.QueryParameters is null or { Count: 0 } && config.Transforms is null or { Count: 0 }
                && config.AuthorizationPolicy is null && config.CorsPolicy is null && config.RateLimiterPolicy is null
                && config.TimeoutPolicy is null && config.Timeout is null && config.OutputCachePolicy is null && config.MaxRequestBodySize is null
                && endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is null;
        }

        public bool Matches(ReadOnlySpan<byte> path, ReadOnlySpan<byte> host) =>
            (Hosts.Length == 0 || MatchesHost(host)) && MatchLiterals(Literals, path, out var rest) && (CatchAll || rest.IsEmpty);

        private bool MatchesHost(ReadOnlySpan<byte> host)
        {
            foreach (var name in Hosts)
            {
                if (Ascii.EqualsIgnoreCase(name, host)) return true;
            }

            return false;
        }
    }
}
