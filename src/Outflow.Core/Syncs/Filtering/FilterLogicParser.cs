namespace Outflow.Core.Syncs.Filtering;

/// <summary>
/// Parses <c>filter_logic</c>: filter labels, the keywords AND, OR and NOT in any letter case, and parentheses,
/// with NOT binding tighter than AND and AND tighter than OR. Tokens are separated by whitespace or parentheses.
/// </summary>
internal sealed class FilterLogicParser
{
    public const string Path = "filter_logic";

    /// <summary>The deepest nesting of parentheses and NOT accepted, so that parsing cannot exhaust the stack.</summary>
    private const int MaxDepth = 100;

    private readonly List<string> _tokens;
    private readonly IReadOnlyDictionary<string, int> _labels;
    private int _position;
    private int _depth;

    private FilterLogicParser(List<string> tokens, IReadOnlyDictionary<string, int> labels)
    {
        _tokens = tokens;
        _labels = labels;
    }

    /// <summary>Parses an expression over the given labels, which map to filter positions.</summary>
    /// <exception cref="OutflowException">The expression is not valid (422 invalid_filter_logic, naming the token).</exception>
    public static FilterExpression Parse(string text, IReadOnlyDictionary<string, int> labels)
    {
        var parser = new FilterLogicParser(Tokenize(text), labels);
        var expression = parser.ParseOr();
        if (parser._position < parser._tokens.Count)
        {
            var token = parser._tokens[parser._position];
            throw token == ")"
                ? Error(token, "filter_logic has a ) without a matching (: remove it or add the (")
                : Error(token, $"filter_logic has {token} where AND, OR or the end was expected: join the parts with AND or OR");
        }

        return expression;
    }

    /// <summary>Returns true when a filter label can appear in filter_logic as one token.</summary>
    public static bool IsUsableLabel(string label) =>
        !label.Any(c => char.IsWhiteSpace(c) || c is '(' or ')') && !IsKeyword(label, "AND") && !IsKeyword(label, "OR") && !IsKeyword(label, "NOT");

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var atEnd = i == text.Length;
            var separates = atEnd || char.IsWhiteSpace(text[i]) || text[i] is '(' or ')';
            if (!separates)
            {
                if (start < 0)
                {
                    start = i;
                }

                continue;
            }

            if (start >= 0)
            {
                tokens.Add(text[start..i]);
                start = -1;
            }

            if (!atEnd && text[i] is '(' or ')')
            {
                tokens.Add(text[i].ToString());
            }
        }

        return tokens;
    }

    private FilterExpression ParseOr()
    {
        var left = ParseAnd();
        while (Accept("OR"))
        {
            left = FilterExpression.Or(left, ParseAnd());
        }

        return left;
    }

    private FilterExpression ParseAnd()
    {
        var left = ParseNot();
        while (Accept("AND"))
        {
            left = FilterExpression.And(left, ParseNot());
        }

        return left;
    }

    private FilterExpression ParseNot()
    {
        if (!Accept("NOT"))
        {
            return ParsePrimary();
        }

        Enter();
        var operand = ParseNot();
        _depth--;
        return FilterExpression.Not(operand);
    }

    private FilterExpression ParsePrimary()
    {
        if (_position == _tokens.Count)
        {
            var last = _tokens.Count == 0 ? "" : _tokens[^1];
            throw _tokens.Count == 0
                ? Error(last, "filter_logic has no labels: write an expression such as A AND (B OR C), or leave it out to AND all filters")
                : Error(last, $"filter_logic ends after {last}: add a label, NOT or ( after it");
        }

        var token = _tokens[_position++];
        if (token == "(")
        {
            Enter();
            var inner = ParseOr();
            if (_position == _tokens.Count || _tokens[_position] != ")")
            {
                throw Error(token, "filter_logic has a ( without a matching ): add the )");
            }

            _position++;
            _depth--;
            return inner;
        }

        if (_labels.TryGetValue(token, out var index))
        {
            return FilterExpression.Filter(index);
        }

        if (token == ")" || IsKeyword(token, "AND") || IsKeyword(token, "OR"))
        {
            throw Error(token, $"filter_logic has {token} where a label, NOT or ( was expected");
        }

        var known = _labels.Count == 0 ? "the filters have no labels" : $"the filter labels are {string.Join(", ", _labels.Keys)}";
        throw Error(
            token,
            $"filter_logic has {token}, which is neither AND, OR, NOT, a parenthesis nor a filter label ({known}): "
            + "use only those");
    }

    private bool Accept(string keyword)
    {
        if (_position < _tokens.Count && IsKeyword(_tokens[_position], keyword))
        {
            _position++;
            return true;
        }

        return false;
    }

    private void Enter()
    {
        if (++_depth > MaxDepth)
        {
            throw Error(_tokens[_position - 1], $"filter_logic nests NOT and parentheses more than {MaxDepth} levels deep: simplify it");
        }
    }

    private static bool IsKeyword(string token, string keyword) => string.Equals(token, keyword, StringComparison.OrdinalIgnoreCase);

    private static OutflowException Error(string token, string message) =>
        OutflowException.Unprocessable(FilterErrorKeys.InvalidFilterLogic, message, Path, token);
}
