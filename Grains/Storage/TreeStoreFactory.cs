using OrleansCoord.Grains.Hosting;

namespace OrleansCoord.Grains.Storage;

/// <summary>
/// Makes a storage profile's tree store from the grid's options. The grid itself knows only the Memory store; a storage
/// project registers its factory as a keyed service under its <see cref="StorageProfile"/> (Storage.AzureStorage's
/// <c>AddAzureTableTreeStore</c>), so that the grains carry no storage client.
/// </summary>
public delegate ITreeStore TreeStoreFactory(CoordGridOptions options);
