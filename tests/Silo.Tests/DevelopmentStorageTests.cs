using OrleansCoord.Silo.Launchers.Azurite;

namespace OrleansCoord.Silo.Tests;

/// <summary>Which connection strings make the silo start Azurite itself.</summary>
public sealed class DevelopmentStorageTests
{
    private const string Key = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    [Theory]
    [InlineData("UseDevelopmentStorage=true")]
    [InlineData("usedevelopmentstorage=TRUE;")]
    [InlineData($"DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey={Key};TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;")]
    [InlineData($"AccountName=devstoreaccount1;AccountKey={Key};BlobEndpoint=http://localhost:10000/devstoreaccount1;TableEndpoint=http://localhost:10002/devstoreaccount1")]
    public void IsDevelopment_LocalAzurite_True(string connectionString) =>
        Assert.True(DevelopmentStorage.IsDevelopment(connectionString));

    [Theory]
    [InlineData("UseDevelopmentStorage=false")]
    [InlineData($"DefaultEndpointsProtocol=https;AccountName=prod;AccountKey={Key};EndpointSuffix=core.windows.net")]
    [InlineData($"AccountName=devstoreaccount1;AccountKey={Key};TableEndpoint=http://10.0.0.5:10002/devstoreaccount1")]
    [InlineData($"AccountName=devstoreaccount1;AccountKey={Key};TableEndpoint=http://127.0.0.1:20002/devstoreaccount1")]
    [InlineData($"AccountName=devstoreaccount1;AccountKey={Key}")]
    public void IsDevelopment_OtherStorage_False(string connectionString) =>
        Assert.False(DevelopmentStorage.IsDevelopment(connectionString));
}
