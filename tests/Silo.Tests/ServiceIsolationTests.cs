using static OrleansCoord.Silo.Tests.GridConnect;

namespace OrleansCoord.Silo.Tests;

/// <summary>
/// Two services on one storage account keep separate trees (<c>--service-id</c> names the table), so neither sees the
/// other's znodes nor sweeps the other's sessions. Clusters of one service share its tree (see
/// <see cref="SessionLivenessTests"/>, which reads one cluster's writes through another).
/// </summary>
public sealed class ServiceIsolationTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task TwoServicesOnOneStorage_SeeOnlyTheirOwnTree()
    {
        var path = $"/{azurite.RunId}-isolated";
        var (first, second) = ($"{azurite.RunId}-svc-a", $"{azurite.RunId}-svc-b");
        await using var firstSilo = await SiloProcess.StartHealthyAsync(first, "--service-id", first);
        await using var secondSilo = await SiloProcess.StartHealthyAsync(second, "--service-id", second);
        await using var firstClient = await ToAsync(firstSilo, first, first);
        await using var secondClient = await ToAsync(secondSilo, second, second);

        await firstClient.CreateAsync(path, Utf8("first"), cancellationToken: Ct);

        Assert.Null(await secondClient.ExistsAsync(path, Ct));
        await secondClient.CreateAsync(path, Utf8("second"), cancellationToken: Ct);
        Assert.Equal("first", Text((await firstClient.GetDataAsync(path, cancellationToken: Ct)).Data));
        Assert.Equal("second", Text((await secondClient.GetDataAsync(path, cancellationToken: Ct)).Data));
    }
}
