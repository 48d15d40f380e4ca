namespace OrleansCoord.Recipes.Acls;

/// <summary>Every kind of native recipe: each kind names its own space of recipe names, and each recipe (kind and name)
/// may carry an ACL (docs/adr/018-recipe-acls.md).</summary>
public enum RecipeKind
{
    Lock,
    ReadWriteLock,
    Semaphore,
    Election,
    Queue,
    Counter,
    Barrier,
    DoubleBarrier,
}
