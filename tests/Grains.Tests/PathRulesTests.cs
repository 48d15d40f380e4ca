using OrleansCoord.Errors;
using OrleansCoord.ZNodes;

namespace OrleansCoord.Grains.Tests;

public sealed class PathRulesTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/a")]
    [InlineData("/a/b-c_d.e")]
    [InlineData("/a/..b")]
    [InlineData("/ünïcödé/名前")]
    public void Validate_ValidPath_Accepts(string path) => ZNodePath.Validate(path);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("a/b", "start with /")]
    [InlineData("/a/", "end with /")]
    [InlineData("//a", "empty segment")]
    [InlineData("/a//b", "empty segment")]
    [InlineData("/a/./b", "relative")]
    [InlineData("/a/..", "relative")]
    [InlineData("/a\u0001b", "invalid character")]
    [InlineData("/a\0b", "null character")]
    [InlineData("/a\ufff5", "invalid character")]
    public void Validate_InvalidPath_ThrowsBadArguments(string path, string reason)
    {
        var error = Assert.Throws<CoordException>(() => ZNodePath.Validate(path));
        Assert.Equal(CoordErrorCode.BadArguments, error.Code);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void Validate_TooLong_ThrowsBadArguments()
    {
        var error = Assert.Throws<CoordException>(() => ZNodePath.Validate("/" + new string('a', ZNodePath.MaxLength)));
        Assert.Equal(CoordErrorCode.BadArguments, error.Code);
    }

    [Fact]
    public void Validate_SequentialMayEndWithSlash()
    {
        ZNodePath.Validate("/q/", sequential: true);
        Assert.Throws<CoordException>(() => ZNodePath.Validate("/q/"));
    }

    [Theory]
    [InlineData("/a", "/", "a")]
    [InlineData("/a/b/c", "/a/b", "c")]
    public void ParentAndName_SplitPath(string path, string parent, string name)
    {
        Assert.Equal(parent, ZNodePath.Parent(path));
        Assert.Equal(name, ZNodePath.Name(path));
        Assert.Equal(path, ZNodePath.Combine(parent, name));
    }

    [Theory]
    [InlineData("/zookeeper", true)]
    [InlineData("/zookeeper/quota", true)]
    [InlineData("/zookeeperx", false)]
    [InlineData("/app/zookeeper", false)]
    public void IsReserved_OnlyTheZookeeperSubtree(string path, bool reserved) => Assert.Equal(reserved, ZNodePath.IsReserved(path));

    [Fact]
    public void SequentialName_IsTenDigitsZeroPadded() => Assert.Equal("lock-0000000042", ZNodePath.SequentialName("lock-", 42));

    [Fact]
    public void ErrorMessages_NameCodePathAndVersions()
    {
        Assert.Equal("BadVersion: /a (expected 0, actual 1)", CoordException.BadVersion("/a", 0, 1).Message);
        Assert.Equal("NoNode: /a/b", CoordException.NoNode("/a/b").Message);
        Assert.Equal("NotEmpty: /a", CoordException.NotEmpty("/a").Message);
    }
}
