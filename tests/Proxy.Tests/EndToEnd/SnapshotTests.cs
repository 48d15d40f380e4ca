using System.Text.Json;
using OrleansCoord.Client.Proxy;
using OrleansCoord.Proxy.Tests.Infrastructure;

namespace OrleansCoord.Proxy.Tests.EndToEnd;

/// <summary>A snapshot file that is corrupt or invalid is reported once and ignored; the proxy follows the grid.</summary>
[Collection(GridCollection.Name)]
public sealed class SnapshotTests(GridFixture grid)
{
    public static TheoryData<string, string> BadSnapshots => new()
    {
        { "{\"Routes\": {\"r\": ", "not valid JSON" },
        { "null", "not valid JSON: null" },
        { "{\"Routes\":{\"old\":{\"path\":\"/old/{**rest}\",\"cluster\":\"old\"}},\"Clusters\":{\"old\":{\"policy\":\"fastest\"}},\"Instances\":{\"old\":{\"i\":{\"address\":\"ftp://127.0.0.1:1\",\"weight\":0}}}}",
          "cluster old: unknown policy 'fastest'" },
        { "{\"Routes\":null,\"Clusters\":{},\"Instances\":{}}", "routes, clusters or instances missing" },
    };

    [Theory]
    [MemberData(nameof(BadSnapshots))]
    public async Task BadSnapshot_OneLineReported_IgnoredAndGridFollowed(string content, string reason)
    {
        var cluster = $"snap-{Guid.NewGuid():N}";
        await using var a = await Upstream.StartAsync("a");
        await grid.Client.SetRouteAsync(cluster, new RouteSpec($"/{cluster}/{{**rest}}", cluster));
        await grid.Client.RegisterAsync(cluster, a);
        var directory = Directory.CreateTempSubdirectory("proxy-snapshot-");
        try
        {
            var snapshotPath = Path.Combine(directory.FullName, "snapshot.json");
            await File.WriteAllTextAsync(snapshotPath, content, TestContext.Current.CancellationToken);
            await using var proxy = await ProxyProcess.StartAsync(grid.Silo, snapshotPath);

            await proxy.WaitForUpstreamsAsync($"/{cluster}/x", ["a"]);
            var reports = proxy.Output.Split('\n').Where(line => line.Contains("unreadable, ignored", StringComparison.Ordinal)).ToList();
            Assert.Single(reports);
            Assert.Contains(reason, proxy.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("Serving the snapshot", proxy.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", proxy.Output, StringComparison.Ordinal);
            // The route of the bad file was never served.
            Assert.Equal(404, (await proxy.GetAsync("/old/x")).Status);

            // What the grid said replaces the bad file.
            await Poll.UntilAsync(() => Task.FromResult(SavedRoutes(snapshotPath).Contains(cluster)), TimeSpan.FromSeconds(30),
                () => $"the snapshot holds route {cluster}\n{File.ReadAllText(snapshotPath)}");
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    private static IReadOnlyList<string> SavedRoutes(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.GetProperty("Routes").EnumerateObject().Select(p => p.Name).ToList();
        }
        catch (Exception exception) when (exception is JsonException or IOException or KeyNotFoundException or InvalidOperationException)
        {
            return [];
        }
    }
}
