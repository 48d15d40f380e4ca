using System.Security.Cryptography;
using OrleansCoord.Acls;
using static Microsoft.Playwright.Assertions;

namespace OrleansCoord.Silo.Tests.Explorer;

/// <summary>
/// Editing in the grid explorer of a silo started with <c>--explorer-edit</c> (GUARANTEES 235-236): only after signing
/// in with a digest identity, which the grid proves on a session of the editor's own, so the znodes' ACLs decide.
/// </summary>
public sealed class ExplorerEditingTests(EditableExplorerSiloFixture fixture) : IClassFixture<EditableExplorerSiloFixture>
{
    private static string NewBase() => $"/edit-{Guid.NewGuid():N}"[..17];

    private static string DigestId(string user, string password) =>
        $"{user}:{Convert.ToBase64String(SHA1.HashData(GridConnect.Utf8($"{user}:{password}")))}";

    [Fact]
    public async Task SignedIn_CreatesAndSets_WhereTheAclAllows_AndIsRefusedWhereItDoesNot()
    {
        var root = NewBase();
        await fixture.Client.CreateAsync(root);
        await fixture.Client.CreateAsync(root + "/bobs", GridConnect.Utf8("bob's"), [new AclEntry(AclPerms.All, "digest", DigestId("bob", "bob-pw"))]);
        var page = await fixture.Browser.OpenAsync(fixture.Page("tree:" + root));
        await Expect(page.Locator("#edit")).ToBeVisibleAsync();

        await page.Locator("#signin-user").FillAsync("alice");
        await page.Locator("#signin-password").FillAsync("alice-pw");
        await page.Locator("#signin button[type=submit]").ClickAsync();
        await Expect(page.Locator("#identity")).ToContainTextAsync("digest:" + DigestId("alice", "alice-pw"));

        await page.Locator("#create-name").FillAsync("made-in-browser");
        await page.Locator("#create-data").FillAsync("hello");
        await page.Locator("#create-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#children li")).ToHaveTextAsync(["bobs", "made-in-browser"]);
        Assert.Equal("hello", GridConnect.Text((await fixture.Client.GetDataAsync(root + "/made-in-browser")).Data));

        await page.Locator("#children").GetByText("bobs", new() { Exact = true }).ClickAsync();
        await Expect(page.Locator("#node-error")).ToContainTextAsync("NoAuth");
        await page.Locator("#set-data").FillAsync("alice was here");
        await page.Locator("#set-form button[type=submit]").ClickAsync();
        await Expect(page.Locator("#edit-result")).ToContainTextAsync("NoAuth");
        var bobs = await fixture.Client.ExistsAsync(root + "/bobs");
        Assert.Equal(0, bobs!.Version);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task NotSignedIn_EditIsRefused_AndNothingChanges()
    {
        var root = NewBase();
        await fixture.Client.CreateAsync(root, GridConnect.Utf8("before"));
        var page = await fixture.Browser.OpenAsync(fixture.Page("tree:" + root));
        await Expect(page.Locator("#identity")).ToHaveTextAsync("Not signed in.");

        await page.Locator("#set-data").FillAsync("after");
        await page.Locator("#set-form button[type=submit]").ClickAsync();

        await Expect(page.Locator("#edit-result")).ToContainTextAsync("SignInRequired");
        Assert.Equal("before", GridConnect.Text((await fixture.Client.GetDataAsync(root)).Data));
        await page.Context.CloseAsync();
    }
}
