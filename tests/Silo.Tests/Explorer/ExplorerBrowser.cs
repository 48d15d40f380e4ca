using Microsoft.Playwright;

namespace OrleansCoord.Silo.Tests.Explorer;

/// <summary>
/// A real browser for the grid explorer's tests: Playwright's bundled node driver driving Debian's chromium
/// (<c>/usr/bin/chromium</c>, from .ci/run's apt list); Playwright downloads no browser. Generous timeouts: the tests
/// run on a loaded 2-core machine, and Playwright's expectations wait for the page instead of sleeping.
/// </summary>
public sealed class ExplorerBrowser : IAsyncDisposable
{
    public const string Chromium = "/usr/bin/chromium";

    /// <summary>How long an expectation or action waits for the page.</summary>
    public const float TimeoutMs = 45_000;

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public static async Task<ExplorerBrowser> LaunchAsync()
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: apt-get install chromium (.ci/run does)");
        var browser = new ExplorerBrowser { _playwright = await Playwright.CreateAsync() };
        browser.Browser = await browser._playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Timeout = TimeoutMs });
        Assertions.SetDefaultExpectTimeout(TimeoutMs);
        return browser;
    }

    /// <summary>A fresh page (own cookies) on <paramref name="url"/>.</summary>
    public async Task<IPage> OpenAsync(Uri url)
    {
        var context = await Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1100, Height = 640 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(TimeoutMs);
        await page.GotoAsync(url.ToString());
        return page;
    }

    /// <summary>Saves a screenshot of <paramref name="page"/> as docs/images/<paramref name="name"/>.png when
    /// <c>COORD_EXPLORER_SCREENSHOTS=1</c> (how the README's pictures are made); otherwise does nothing.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("COORD_EXPLORER_SCREENSHOTS") != "1") return;
        var path = Path.Combine(SiloProcess.RepoRoot, "docs", "images", name + ".png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await page.ScreenshotAsync(new() { Path = path });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
    }
}
