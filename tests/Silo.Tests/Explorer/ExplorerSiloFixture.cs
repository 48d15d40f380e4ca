using OrleansCoord.Client;

namespace OrleansCoord.Silo.Tests.Explorer;

/// <summary>A silo (Memory storage) with the explorer as it starts by default (read-only), an SDK session on it, a browser.</summary>
public class ExplorerSiloFixture : IAsyncLifetime
{
    private readonly string[] _flags;

    public ExplorerSiloFixture() : this([]) { }

    protected ExplorerSiloFixture(string[] flags) => _flags = flags;

    public string ClusterId { get; } = $"explorer-{Guid.NewGuid():N}"[..24];

    public SiloProcess Silo { get; private set; } = null!;

    public CoordClient Client { get; private set; } = null!;

    public ExplorerBrowser Browser { get; private set; } = null!;

    /// <summary>The explorer's page opened on <paramref name="fragment"/> (<c>tree:/path</c>, <c>proxy</c>, …).</summary>
    public Uri Page(string fragment) => new(Silo.HttpBase, "explorer#" + fragment);

    public async ValueTask InitializeAsync()
    {
        Silo = await SiloProcess.StartHealthyAsync(ClusterId, ["--storage", "Memory", .. _flags]);
        Client = await GridConnect.ToAsync(Silo, ClusterId);
        Browser = await ExplorerBrowser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        if (Client is not null) await Client.DisposeAsync();
        if (Silo is not null) await Silo.DisposeAsync();
    }
}

/// <summary>As <see cref="ExplorerSiloFixture"/>, with <c>--explorer-edit</c>.</summary>
public sealed class EditableExplorerSiloFixture() : ExplorerSiloFixture(["--explorer-edit"]);
