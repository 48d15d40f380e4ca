using System.CommandLine;
using System.CommandLine.Parsing;
using OrleansCoord.Errors;

namespace OrleansCoord.Cli;

/// <summary>
/// A command line that does not parse, as one line in the user's terms: System.CommandLine names the .NET type a value
/// failed to convert to (<c>System.Int32</c>), which says nothing to someone typing <c>-v abc</c>.
/// </summary>
internal static class UsageErrors
{
    /// <summary>One line: <c>BadArguments (-v: 'abc' is not a whole number; see 'coord --help')</c>.</summary>
    public static string OneLine(IReadOnlyList<ParseError> errors, string help) =>
        CoordException.Format(CoordErrorCode.BadArguments, null, string.Join("; ", errors.Select(Describe).Distinct()) + $"; see '{help}'");

    private static string Describe(ParseError error)
    {
        string? name = null;
        Type? valueType = null;
        IReadOnlyList<Token>? tokens = null;
        switch (error.SymbolResult)
        {
            case OptionResult option:
                (name, valueType, tokens) = (option.IdentifierToken?.Value ?? option.Option.Name, option.Option.ValueType, option.Tokens);
                break;
            case ArgumentResult argument:
                (name, valueType, tokens) = (argument.Argument.Name.ToUpperInvariant(), argument.Argument.ValueType, argument.Tokens);
                break;
        }

        var type = valueType is null ? null : Nullable.GetUnderlyingType(valueType) ?? valueType;
        if (name is null || type?.FullName is not { } typeName || !error.Message.Contains(typeName, StringComparison.Ordinal))
        {
            return error.Message.TrimEnd('.');
        }

        var value = tokens is { Count: > 0 } ? $"'{tokens[^1].Value}'" : "the value";
        return $"{name}: {value} is not {Expected(type)}";
    }

    private static string Expected(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Int16 or TypeCode.Int32 or TypeCode.Int64 or TypeCode.UInt16 or TypeCode.UInt32 or TypeCode.UInt64 => "a whole number",
        TypeCode.Single or TypeCode.Double or TypeCode.Decimal => "a number",
        TypeCode.Boolean => "true or false",
        _ => $"a valid {type.Name}",
    };
}
