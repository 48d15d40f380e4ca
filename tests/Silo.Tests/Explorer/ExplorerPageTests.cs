using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using OrleansCoord.Client.Proxy;
using static Microsoft.Playwright.Assertions;

namespace OrleansCoord.Silo.Tests.Explorer;

/// <summary>
/// The grid explorer in a real browser (chromium) against a real silo, read-only as it starts by default
/// (GUARANTEES 230-234): what the user sees of the tree, live updates, the proxy's routes, and that editing is refused.
/// </summary>
public sealed class ExplorerPageTests(ExplorerSiloFixture fixture) : IClassFixture<ExplorerSiloFixture>
{
    private static string NewBase() => $"/explorer-{Guid.NewGuid():N}"[..20];

    [Fact]
    public async Task Tree_ListsChildrenCreatedThroughTheSdk_AndRendersJsonTextAndHex()
    {
        var root = NewBase();
        await fixture.Client.CreateAsync(root, GridConnect.Utf8("a folder"));
        await fixture.Client.CreateAsync(root + "/config", GridConnect.Utf8("""{"replicas":3,"zone":"eu-1"}"""));
        await fixture.Client.CreateAsync(root + "/blob", [0x00, 0x01, 0x02, 0xff, 0x41]);
        await fixture.Client.CreateAsync(root + "/note", GridConnect.Utf8("plain words"));

        var page = await fixture.Browser.OpenAsync(fixture.Page("tree:" + root));

        await Expect(page.Locator("#children li")).ToHaveTextAsync(["blob", "config", "note"]);
        await Expect(page.Locator("#data")).ToHaveTextAsync("a folder");
        await Expect(page.Locator("#stat")).ToContainTextAsync("numChildren");

        await page.Locator("#children").GetByText("config", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator("#data-kind")).ToHaveTextAsync("json");
        // Indented: one member a line.
        await Expect(page.Locator("#data")).ToContainTextAsync("\"replicas\": 3,\n  \"zone\": \"eu-1\"");
        await Expect(page.Locator("#acl")).ToContainTextAsync("anyone");
        await ExplorerBrowser.ScreenshotAsync(page, "explorer-tree");

        await page.Locator("#breadcrumb").GetByText(root[1..], new() { Exact = true }).ClickAsync();
        await page.Locator("#children").GetByText("blob", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator("#data-kind")).ToHaveTextAsync("hex");
        await Expect(page.Locator("#data")).ToContainTextAsync("00 01 02 ff 41");
        await Expect(page.Locator("#data")).ToContainTextAsync("|....A|");

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Children_OfABigFolder_ComeAPageAtATime()
    {
        var root = NewBase();
        await fixture.Client.CreateAsync(root);
        await Task.WhenAll(Enumerable.Range(0, 130).Select(i => fixture.Client.CreateAsync($"{root}/c{i:D3}")));

        var page = await fixture.Browser.OpenAsync(fixture.Page("tree:" + root));

        await Expect(page.Locator("#children-count")).ToHaveTextAsync("(130)");
        await Expect(page.Locator("#children li")).ToHaveCountAsync(100);
        await Expect(page.Locator("#page-info")).ToHaveTextAsync("1–100 of 130");
        await page.Locator("#next-page").ClickAsync();
        await Expect(page.Locator("#children li")).ToHaveCountAsync(30);
        await Expect(page.Locator("#children li").First).ToHaveTextAsync("c100");

        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task OpenNode_ChangedByAnotherClient_UpdatesWithoutReload()
    {
        var root = NewBase();
        await fixture.Client.CreateAsync(root, GridConnect.Utf8("""{"v":1}"""));
        var page = await fixture.Browser.OpenAsync(fixture.Page("tree:" + root));
        await Expect(page.Locator("#live-status")).ToHaveTextAsync("live");
        await Expect(page.Locator("#data")).ToContainTextAsync("\"v\": 1");

        await fixture.Client.SetDataAsync(root, GridConnect.Utf8("""{"v":2}"""));
        await fixture.Client.CreateAsync(root + "/arrived");

        await Expect(page.Locator("#data")).ToContainTextAsync("\"v\": 2");
        await Expect(page.Locator("#children li")).ToHaveTextAsync(["arrived"]);

        await fixture.Client.DeleteAsync(root + "/arrived");
        await Expect(page.Locator("#children li")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ProxyTab_ShowsRoutesAndInstancesCreatedInTheGrid()
    {
        var id = $"r{Guid.NewGuid():N}"[..12];
        await EnsureAsync(ProxyPaths.Routes);
        await EnsureAsync(ProxyPaths.Services);
        await fixture.Client.CreateAsync(ProxyPaths.Route(id), ProxyJson.Write(new RouteSpec("/" + id + "/{**rest}", id)));
        await fixture.Client.CreateAsync(ProxyPaths.Instances(id));
        await fixture.Client.CreateAsync(ProxyPaths.Instances(id) + "/i1", ProxyJson.Write(new InstanceSpec("http://127.0.0.1:5001", Weight: 3)),
            ZNodes.CreateMode.Ephemeral);

        var page = await fixture.Browser.OpenAsync(fixture.Page("proxy"));

        var route = page.Locator("#proxy-routes tr", new() { HasText = id });
        await Expect(route).ToContainTextAsync("/" + id + "/{**rest}");
        await Expect(route).ToContainTextAsync($"\"cluster\":\"{id}\"");
        var instance = page.Locator("#proxy-instances tr", new() { HasText = id });
        await Expect(instance).ToContainTextAsync("http://127.0.0.1:5001");
        await Expect(instance).ToContainTextAsync("0x" + fixture.Client.SessionId.ToString("x"));
        await ExplorerBrowser.ScreenshotAsync(page, "explorer-proxy");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Editing_WithoutTheFlag_IsHiddenAndRefused()
    {
        var root = NewBase();
        await fixture.Client.CreateAsync(root);
        var page = await fixture.Browser.OpenAsync(fixture.Page("tree:" + root));
        await Expect(page.Locator("#readonly-note")).ToBeVisibleAsync();
        await Expect(page.Locator("#edit")).ToBeHiddenAsync();

        // Straight at the API, as the page would send it had it shown the form.
        var answer = await page.EvaluateAsync<JsonElement>("""
            async (path) => {
              const headers = { 'Content-Type': 'application/json', 'X-Coord-Explorer': 'edit' };
              const signin = await fetch('/explorer/api/signin', { method: 'POST', headers, body: JSON.stringify({ user: 'alice', password: 'pw' }) });
              const create = await fetch('/explorer/api/create', { method: 'POST', headers, body: JSON.stringify({ path: path + '/new', data: 'x' }) });
              return { signin: signin.status, create: create.status, error: (await create.json()).error };
            }
            """, root);

        Assert.Equal(403, answer.GetProperty("signin").GetInt32());
        Assert.Equal(403, answer.GetProperty("create").GetInt32());
        Assert.Equal("EditingDisabled", answer.GetProperty("error").GetString());
        Assert.Null(await fixture.Client.ExistsAsync(root + "/new"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task LiveStreams_AreBoundedPerBrowser_AndEndWithTheirPage()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var browser = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray());
        var streams = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Silo.HttpBase, "explorer/api/live?path=/"));
                request.Headers.Add("Cookie", "coord-explorer=" + browser);
                streams.Add(await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, GridConnect.Ct));
            }

            Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 4), HttpStatusCode.TooManyRequests], streams.Select(s => s.StatusCode));
        }
        finally
        {
            foreach (var stream in streams) stream.Dispose();
        }

        // A page that closes gives its watch back (and so does the HttpClient above).
        var page = await fixture.Browser.OpenAsync(fixture.Page("tree:/"));
        await Expect(page.Locator("#live-status")).ToHaveTextAsync("live");
        Assert.True(await OpenStreamsAsync(http) >= 1);
        await page.Context.CloseAsync();
        await Poll.UntilAsync(async () => await OpenStreamsAsync(http) == 0, TimeSpan.FromSeconds(60), "the explorer's live streams to end");
    }

    private async Task<int> OpenStreamsAsync(HttpClient http)
    {
        using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri(fixture.Silo.HttpBase, "explorer/api/status"), GridConnect.Ct));
        return status.RootElement.GetProperty("liveStreams").GetInt32();
    }

    private async Task EnsureAsync(string path)
    {
        var parent = path[..path.LastIndexOf('/')];
        if (parent.Length > 0) await EnsureAsync(parent);
        try
        {
            await fixture.Client.CreateAsync(path);
        }
        catch (Errors.CoordException exception) when (exception.Code == Errors.CoordErrorCode.NodeExists)
        {
        }
    }
}
