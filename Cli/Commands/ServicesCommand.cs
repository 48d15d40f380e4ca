using System.CommandLine;
using System.Text.Json.Nodes;
using OrleansCoord.Client;
using OrleansCoord.Client.Services;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli.Commands;

/// <summary>
/// <c>services register SERVICE ID URL [--weight N] [--meta k=v]...</c> registers an instance, prints its znode path and
/// keeps it registered until SIGTERM or Ctrl-C, then deregisters it at once. <c>services ls SERVICE</c> prints
/// <c>ID URL weight=N [k=v ...]</c> per instance, or with --json one object with the instances as stored.
/// </summary>
internal static class ServicesCommand
{
    public static Command Build(GlobalOptions globals) =>
        new("services", "Service registration under /services (what the proxy routes to).") { Register(globals), List(globals) };

    private static Argument<string> Service() => new("service") { Description = "The service's name." };

    private static Command Register(GlobalOptions globals)
    {
        var service = Service();
        var id = new Argument<string>("id") { Description = "This instance's id, unique within the service." };
        var url = new Argument<string>("url") { Description = "Where the instance listens, e.g. http://127.0.0.1:5001." };
        var weight = new Option<int>("--weight") { Description = "Relative share of traffic (default 1; no short form: -w is get's --watch).", DefaultValueFactory = _ => 1, HelpName = "n" };
        var meta = new Option<string[]>("--meta", "-m") { Description = "Metadata as key=value; repeatable.", HelpName = "k=v", AllowMultipleArgumentsPerToken = false };
        var command = new Command("register", "Register an instance and keep it registered until interrupted (SIGTERM/Ctrl-C deregisters it).")
        {
            weight, meta, service, id, url,
        };
        command.SetGridAction(globals, parse =>
        {
            var (name, instanceId) = (parse.GetValue(service)!, parse.GetValue(id)!);
            var path = ServiceRegistry.InstancePath(name, instanceId);
            var instance = new ServiceInstance(parse.GetValue(url)!, parse.GetValue(weight), ParseMetadata(path, parse.GetValue(meta)));
            instance.Validate(path);

            return async (client, output, cancellationToken) =>
            {
                var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                client.StateChanged += state => { if (state == SessionState.Expired) expired.TrySetResult(); };
                await client.Services.RegisterAsync(name, instanceId, instance, cancellationToken);
                output.Emit(path, () => new JsonObject { ["path"] = path, ["sessionId"] = client.SessionId });

                await Task.WhenAny(expired.Task, Task.Delay(Timeout.Infinite, cancellationToken));
                if (!cancellationToken.IsCancellationRequested)
                {
                    output.Error(CoordException.SessionExpired(client.SessionId).Message + " (the registration is gone)");
                    return ExitCodes.GridError;
                }

                // Stopped: take the instance out now rather than when the session is closed or expires.
                await client.Services.DeregisterAsync(name, instanceId, CancellationToken.None);
                return ExitCodes.Ok;
            };
        });
        return command;
    }

    private static Command List(GlobalOptions globals)
    {
        var service = Service();
        var command = new Command("ls", "List a service's registered instances.") { service };
        command.SetGridAction(globals, parse =>
        {
            var name = parse.GetValue(service)!;
            ServiceRegistry.ServicePath(name);
            return async (client, output, cancellationToken) =>
            {
                var instances = await client.Services.ListAsync(name, cancellationToken);
                if (output.IsJson)
                {
                    output.Emit(null, () => new JsonObject
                    {
                        ["service"] = name,
                        ["instances"] = new JsonArray([.. instances.Select(e => (JsonNode)new JsonObject
                        {
                            ["id"] = e.Id,
                            ["instance"] = JsonNode.Parse(e.Instance.ToJson()),
                        })]),
                    });
                }
                else
                {
                    foreach (var entry in instances) output.Emit(Line(entry), () => new JsonObject());
                }

                return ExitCodes.Ok;
            };
        });
        return command;
    }

    private static string Line(ServiceInstanceEntry entry) =>
        string.Join(' ', new[] { entry.Id, entry.Instance.Address, $"weight={entry.Instance.Weight}" }
            .Concat(entry.Instance.Metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")));

    private static Dictionary<string, string> ParseMetadata(string subject, string[]? pairs)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs ?? [])
        {
            var equals = pair.IndexOf('=');
            if (equals <= 0) throw CoordException.BadArguments(subject, $"--meta takes key=value, got '{pair}'");
            metadata[pair[..equals]] = pair[(equals + 1)..];
        }

        return metadata;
    }
}
