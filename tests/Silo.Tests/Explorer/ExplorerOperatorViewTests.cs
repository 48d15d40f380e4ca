using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using OrleansCoord.Client;
using OrleansCoord.Errors;
using OrleansCoord.Grains.Operator;
using OrleansCoord.Grains.Recipes;
using OrleansCoord.Grains.Recipes.Queues;
using OrleansCoord.Silo.Tests.ZooKeeper;
using OrleansCoord.ZNodes;
using static Microsoft.Playwright.Assertions;

namespace OrleansCoord.Silo.Tests.Explorer;

/// <summary>
/// The explorer's operator views in a real browser against a real silo (GUARANTEES 255-259): live sessions with their
/// ephemerals and holds, recipes with holders, waiters and queue depth, the links between them; and that the
/// grid-internal API behind them refuses a client that comes through the gateway.
/// </summary>
public sealed class ExplorerOperatorViewTests(ExplorerSiloFixture fixture) : IClassFixture<ExplorerSiloFixture>
{
    private static string NewName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static string Hex(CoordClient client) => "0x" + client.SessionId.ToString("x");

    [Fact]
    public async Task Sessions_ShowEphemeralsAndAHeldLockWithItsWaiter_LinkBothWays_AndAClosedSessionGoes()
    {
        var root = "/" + NewName("ops");
        var lockName = NewName("lock");
        await fixture.Client.CreateAsync(root);
        var owner = await GridConnect.ToAsync(fixture.Silo, fixture.ClusterId);
        await using var second = await GridConnect.ToAsync(fixture.Silo, fixture.ClusterId);
        await owner.CreateAsync(root + "/e1", GridConnect.Utf8("1"), CreateMode.Ephemeral);
        await owner.CreateAsync(root + "/e2", GridConnect.Utf8("2"), CreateMode.Ephemeral);
        await owner.Locks.AcquireAsync(lockName, TimeSpan.FromSeconds(30), "first", GridConnect.Ct);
        var waiting = second.Locks.AcquireAsync(lockName, TimeSpan.FromSeconds(120), "second", GridConnect.Ct);
        var (ownerId, secondId) = (Hex(owner), Hex(second));

        var page = await fixture.Browser.OpenAsync(fixture.Page("sessions"));
        var ownerRow = page.Locator("#sessions tr", new() { HasText = ownerId });
        await Expect(ownerRow).ToContainTextAsync(root + "/e1");
        await Expect(ownerRow).ToContainTextAsync(root + "/e2");
        await Expect(ownerRow).ToContainTextAsync("10 s");
        await Expect(ownerRow).ToContainTextAsync("Lock " + lockName);
        await ExplorerBrowser.ScreenshotAsync(page, "explorer-sessions");

        // A session's hold leads to the recipe, which shows its holder and its waiter, each with its session.
        await ownerRow.GetByText("Lock " + lockName).ClickAsync();
        var recipe = page.Locator("#recipes tr", new() { HasText = lockName });
        await Expect(page.Locator("#recipes-filter")).ToBeVisibleAsync();
        await Expect(recipe).ToContainTextAsync("first (exclusive, token");
        await Expect(recipe).ToContainTextAsync("in " + ownerId);
        await Expect(recipe).ToContainTextAsync("second (exclusive) in " + secondId);
        if (Environment.GetEnvironmentVariable("COORD_EXPLORER_SCREENSHOTS") == "1")
        {
            // The README's picture of the recipes page: this lock with its holder and waiter, beside a queue.
            var jobs = NewName("jobs");
            for (var i = 1; i <= 3; i++) await owner.Queues.PutAsync(jobs, GridConnect.Utf8("job" + i), cancellationToken: GridConnect.Ct);
            await page.GotoAsync(fixture.Page("recipes").ToString());
            await Expect(page.Locator("#recipes tr", new() { HasText = jobs })).ToContainTextAsync("3 ready");
            await Expect(page.Locator("#recipes tr", new() { HasText = lockName })).ToContainTextAsync("second");
            await ExplorerBrowser.ScreenshotAsync(page, "explorer-recipes");
            await page.GotoAsync(fixture.Page("recipe:Lock:" + lockName).ToString());
        }


        // A holder leads to its session.
        await recipe.GetByText(ownerId, new() { Exact = true }).ClickAsync();
        await Expect(page.Locator("#sessions-filter")).ToBeVisibleAsync();
        await Expect(page.Locator("#sessions tr", new() { HasText = ownerId })).ToContainTextAsync(root + "/e2");

        // The owner closes: its session leaves the view (the page refreshes itself), the waiter gets the lock.
        await owner.DisposeAsync();
        await Expect(page.Locator("#sessions")).ToContainTextAsync("NoSession");
        await page.GotoAsync(fixture.Page("sessions").ToString());
        await Expect(page.Locator("#sessions tr", new() { HasText = secondId })).ToContainTextAsync("Lock " + lockName);
        await Expect(page.Locator("#sessions tr", new() { HasText = ownerId })).ToHaveCountAsync(0);
        await (await waiting).ReleaseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Recipes_ListAQueueWithItsDepth_AndFollowATake()
    {
        var queue = NewName("queue");
        for (var i = 1; i <= 3; i++) await fixture.Client.Queues.PutAsync(queue, GridConnect.Utf8("m" + i), cancellationToken: GridConnect.Ct);

        var page = await fixture.Browser.OpenAsync(fixture.Page("recipes"));
        var row = page.Locator("#recipes tr", new() { HasText = queue });
        await Expect(row).ToContainTextAsync("Queue");
        await Expect(row).ToContainTextAsync("3 ready, 0 taken");

        var taken = await fixture.Client.Queues.TakeAsync(queue, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), GridConnect.Ct);
        Assert.NotNull(taken);
        await Expect(row).ToContainTextAsync("2 ready, 1 taken");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Api_ListsAPageAtATime_AndRefusesAPageBeyondTheBound()
    {
        await using var a = await GridConnect.ToAsync(fixture.Silo, fixture.ClusterId);
        await using var b = await GridConnect.ToAsync(fixture.Silo, fixture.ClusterId);
        using var http = new HttpClient { BaseAddress = fixture.Silo.HttpBase, Timeout = TimeSpan.FromSeconds(60) };

        using var first = JsonDocument.Parse(await http.GetStringAsync("explorer/api/sessions?offset=0&limit=2", GridConnect.Ct));
        var total = first.RootElement.GetProperty("total").GetInt32();
        Assert.True(total >= 3, $"at least the fixture's, a's and b's sessions; saw {total}");
        Assert.Equal(2, first.RootElement.GetProperty("sessions").GetArrayLength());
        using var last = JsonDocument.Parse(await http.GetStringAsync($"explorer/api/sessions?offset={total - 1}&limit=2", GridConnect.Ct));
        Assert.Equal(1, last.RootElement.GetProperty("sessions").GetArrayLength());

        using var tooMany = await http.GetAsync($"explorer/api/sessions?limit={IGridOperatorGrain.MaxPage + 1}", GridConnect.Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        using var tooManyRecipes = await http.GetAsync($"explorer/api/recipes?limit={IGridOperatorGrain.MaxPage + 1}", GridConnect.Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooManyRecipes.StatusCode);
    }

    [Fact]
    public async Task GatewayClient_CallingTheOperatorApi_IsRefused()
    {
        var lockName = NewName("lock");
        var queue = NewName("queue");
        await using var holder = await GridConnect.ToAsync(fixture.Silo, fixture.ClusterId);
        await using var handle = await holder.Locks.AcquireAsync(lockName, TimeSpan.FromSeconds(30), "h", GridConnect.Ct);
        await holder.Queues.PutAsync(queue, GridConnect.Utf8("m"), cancellationToken: GridConnect.Ct);

        // What anyone who reaches the gateway port can run: a plain Orleans client built against the Grains assembly.
        await using var outside = await OutsideOrleansClient.ConnectAsync(fixture.Silo, fixture.ClusterId);
        var view = outside.Grains.GetGrain<IGridOperatorGrain>(0);
        await AssertRefusedAsync(() => view.ListSessions(0, 10));
        await AssertRefusedAsync(() => view.GetSession(holder.SessionId));
        await AssertRefusedAsync(() => view.ListRecipes(0, 10));
        await AssertRefusedAsync(() => view.GetRecipe("Lock", lockName));
        await AssertRefusedAsync(() => outside.Grains.GetGrain<ILeaseMaintenanceGrain>("Lock:" + lockName).Inspect());
        await AssertRefusedAsync(() => outside.Grains.GetGrain<IQueueMaintenanceGrain>(queue).Inspect());

        // The same view answers on the silo's HTTP port.
        using var http = new HttpClient { BaseAddress = fixture.Silo.HttpBase, Timeout = TimeSpan.FromSeconds(60) };
        using var session = JsonDocument.Parse(await http.GetStringAsync("explorer/api/session?id=" + Hex(holder), GridConnect.Ct));
        Assert.Equal("Lock", session.RootElement.GetProperty("holds")[0].GetProperty("kind").GetString());
    }

    private static async Task AssertRefusedAsync(Func<Task> call)
    {
        var refused = await Assert.ThrowsAsync<CoordException>(call);
        Assert.Equal(CoordErrorCode.NoAuth, refused.Code);
        Assert.Contains("internal to the grid", refused.Message);
    }
}
