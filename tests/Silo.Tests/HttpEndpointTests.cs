using System.Net;

namespace OrleansCoord.Silo.Tests;

/// <summary>One silo (AzureStorage on Azurite) shared by the HTTP endpoint tests.</summary>
public sealed class RunningSiloFixture(AzuriteFixture azurite) : IAsyncLifetime
{
    public SiloProcess Silo { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Silo = await SiloProcess.StartHealthyAsync($"{azurite.RunId}-http");

    public ValueTask DisposeAsync() => Silo?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary><c>/healthz</c> and <c>/dashboard</c> on the silo's HTTP port.</summary>
public sealed class HttpEndpointTests(RunningSiloFixture fixture) : IClassFixture<RunningSiloFixture>
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Healthz_WhileRunning_IsOk()
    {
        using var response = await Http.GetAsync(new Uri(fixture.Silo.HttpBase, "healthz"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Dashboard_ServesItsPage()
    {
        // /dashboard redirects to /dashboard/ so the page's relative asset paths resolve; HttpClient follows it.
        using var response = await Http.GetAsync(new Uri(fixture.Silo.HttpBase, "dashboard"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("Orleans Dashboard", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Dashboard_ApiAnswers()
    {
        using var response = await Http.GetAsync(new Uri(fixture.Silo.HttpBase, "dashboard/version"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("version", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task DashboardOff_NoDashboard_StillHealthy()
    {
        await using var silo = await SiloProcess.StartHealthyAsync($"dashboard-off-{Guid.NewGuid():N}", "--storage", "Memory", "--dashboard", "off");

        using var health = await Http.GetAsync(new Uri(silo.HttpBase, "healthz"), TestContext.Current.CancellationToken);
        using var dashboard = await Http.GetAsync(new Uri(silo.HttpBase, "dashboard"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, dashboard.StatusCode);
    }
}
