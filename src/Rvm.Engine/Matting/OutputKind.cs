namespace Rvm.Matting;

/// <summary>What one output of a conversion shows.</summary>
internal enum OutputKind
{
    Composition,
    Alpha,
    Foreground,
}
