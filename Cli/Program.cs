using OrleansCoord.Cli;

// `coord`: a zkCli-like client of the grid. The layout of the command line lives in CoordCommandLine;
// each command group has its own file under Commands/.
return await CoordCommandLine.RunAsync(args);
