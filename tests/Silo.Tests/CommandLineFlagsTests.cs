using Microsoft.Extensions.Configuration;
using OrleansCoord.Grains.Hosting;
using OrleansCoord.Silo.Hosting;

namespace OrleansCoord.Silo.Tests;

/// <summary>Flags become configuration keys; flags win over appsettings-style values.</summary>
public sealed class CommandLineFlagsTests
{
    [Fact]
    public void Parse_SpaceAndEqualsForms_SetTheirKeys()
    {
        var errors = new List<string>();
        var values = CommandLineFlags.Parse(["--storage", "Memory", "--silo-port=12000", "--cluster-id", "c1"], errors);

        Assert.Empty(errors);
        Assert.Equal("Memory", values["Storage:Profile"]);
        Assert.Equal("12000", values["Endpoints:SiloPort"]);
        Assert.Equal("c1", values["Cluster:ClusterId"]);
    }

    [Fact]
    public void Read_FlagsOverEarlierSources()
    {
        var errors = new List<string>();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Endpoints:GatewayPort"] = "30005", ["Storage:Profile"] = "AzureStorage" })
            .AddInMemoryCollection(CommandLineFlags.Parse(["--storage", "memory"], errors))
            .Build();

        var options = SiloHostOptionsReader.Read(configuration, errors);
        SiloHostOptionsValidator.Validate(options, errors);

        Assert.Empty(errors);
        Assert.Equal(StorageProfile.Memory, options.Storage.Profile);
        Assert.Equal(30005, options.Endpoints.GatewayPort);
        Assert.Equal(11111, options.Endpoints.SiloPort);
        Assert.Equal(8080, options.Endpoints.HttpPort);
        Assert.Equal("orleanscoord", options.Cluster.ClusterId);
    }

    [Fact]
    public void Dashboard_OnByDefault_OffByFlag_OtherValuesRefused()
    {
        var errors = new List<string>();
        SiloHostOptions Read(params string[] args) => SiloHostOptionsReader.Read(
            new ConfigurationBuilder().AddInMemoryCollection(CommandLineFlags.Parse(args, errors)).Build(), errors);

        Assert.Equal(DashboardMode.On, Read().Dashboard);
        Assert.Equal(DashboardMode.Off, Read("--dashboard", "off").Dashboard);
        Assert.Empty(errors);
        Assert.Equal(DashboardMode.On, Read("--dashboard", "maybe").Dashboard);
        Assert.Contains(errors, e => e.Contains("--dashboard", StringComparison.Ordinal));
    }

    [Fact]
    public void ExplorerEdit_OffByDefault_OnAsASwitch_OtherValuesRefused()
    {
        var errors = new List<string>();
        SiloHostOptions Read(params string[] args) => SiloHostOptionsReader.Read(
            new ConfigurationBuilder().AddInMemoryCollection(CommandLineFlags.Parse(args, errors)).Build(), errors);

        Assert.False(Read().ExplorerEdit);
        Assert.True(Read("--explorer-edit").ExplorerEdit);
        Assert.False(Read("--explorer-edit", "false").ExplorerEdit);
        Assert.Empty(errors);
        Assert.False(Read("--explorer-edit=maybe").ExplorerEdit);
        Assert.Contains(errors, e => e.Contains("--explorer-edit", StringComparison.Ordinal));
    }

    [Fact]
    public void AzuritePorts_ThreeDistinctPorts_OnlyWithAnExplicitConnectionString()
    {
        var errors = new List<string>();
        SiloHostOptions ReadAndValidate(params string[] args)
        {
            var options = SiloHostOptionsReader.Read(new ConfigurationBuilder().AddInMemoryCollection(CommandLineFlags.Parse(args, errors)).Build(), errors);
            SiloHostOptionsValidator.Validate(options, errors);
            return options;
        }

        Assert.Equal([10000, 10001, 10002], ReadAndValidate().Storage.AzuritePorts);
        var explicitString = AzuriteProcess.ConnectionStringFor([20000, 20001, 20002]);
        Assert.Equal([20000, 20001, 20002], ReadAndValidate("--connection-string", explicitString, "--azurite-ports", "20000, 20001,20002").Storage.AzuritePorts);
        Assert.Empty(errors);

        ReadAndValidate("--azurite-ports", "20000,20001");
        ReadAndValidate("--azurite-ports", "20000,20000,20001");
        ReadAndValidate("--azurite-ports", "20000,20001,70000");
        Assert.Equal(3, errors.Count(e => e.Contains("--azurite-ports", StringComparison.Ordinal)));

        errors.Clear();
        ReadAndValidate("--connection-string", "UseDevelopmentStorage=true", "--azurite-ports", "20000,20001,20002");
        Assert.Contains(errors, e => e.Contains("UseDevelopmentStorage=true means ports 10000-10002", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_CollectsEveryProblem()
    {
        var errors = new List<string>();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(CommandLineFlags.Parse(["--storage", "7", "--silo-port", "0", "--http-port", "30000"], errors))
            .Build();

        SiloHostOptionsValidator.Validate(SiloHostOptionsReader.Read(configuration, errors), errors);

        Assert.Equal(3, errors.Count); // unknown profile, port out of range, gateway and HTTP port equal
    }
}
