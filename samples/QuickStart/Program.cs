using System.Text;
using OrleansCoord.Client;
using OrleansCoord.Watches;

// A silo started with `dotnet run --project Silo` has its gateway on localhost:30000, cluster id "orleanscoord".
var options = new CoordClientOptions
{
    Servers = CoordClientOptions.ParseServers(args.ElementAtOrDefault(0) ?? "localhost:30000"),
    ClusterId = args.ElementAtOrDefault(1) ?? "orleanscoord",
    SessionTimeout = TimeSpan.FromSeconds(10),
};
await using var client = await CoordClient.ConnectAsync(options); // one session; closing it deletes its ephemerals
var app = $"quickstart-{Guid.NewGuid():N}";

// A znode, a one-shot data watch on it, and a change that fires the watch.
var path = await client.CreateAsync($"/{app}", Encoding.UTF8.GetBytes("v1"));
var changed = new TaskCompletionSource<WatchEvent>();
await client.GetDataAsync(path, e => changed.TrySetResult(e));
await client.SetDataAsync(path, Encoding.UTF8.GetBytes("v2"), version: 0); // conditional: fails with BadVersion if another writer came first
var fired = await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));
Console.WriteLine($"watch: {fired.Type} {fired.Path}");

// An exclusive lock (FIFO-fair, bound to the session) with its fencing token.
await using (var held = await client.Locks.AcquireAsync(app, timeout: TimeSpan.FromSeconds(5)))
{
    Console.WriteLine($"lock: held, fencing token {held.FencingToken}");
}

// A work queue: put, take (the message is invisible to others until acked or its visibility ends), ack.
await client.Queues.PutAsync(app, Encoding.UTF8.GetBytes("job-1"));
var job = await client.Queues.TakeAsync(app, timeout: TimeSpan.FromSeconds(5)) ?? throw new TimeoutException("no job");
await client.Queues.AckAsync(app, job.Receipt);
Console.WriteLine($"queue: took {Encoding.UTF8.GetString(job.Data)}");

await client.DeleteAsync(path);
