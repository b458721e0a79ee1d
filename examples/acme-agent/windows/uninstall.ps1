$ErrorActionPreference = 'Stop'
$msi = Join-Path $PSScriptRoot 'acme-agent.msi'
$p = Start-Process msiexec.exe -ArgumentList @('/x', "`"$msi`"", '/qn', '/norestart') -Wait -PassThru
if ($p.ExitCode -ne 0 -and $p.ExitCode -ne 3010) { throw "msiexec failed with exit code $($p.ExitCode)" }
