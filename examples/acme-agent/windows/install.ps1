$ErrorActionPreference = 'Stop'
# Installs the Acme agent. The SSM Agent runs .\install.ps1 in the extracted folder.
$msi = Join-Path $PSScriptRoot 'acme-agent.msi'
$log = Join-Path $env:TEMP 'acme-agent-install.log'
$p = Start-Process msiexec.exe -ArgumentList @('/i', "`"$msi`"", '/qn', '/norestart', '/l*v', "`"$log`"") -Wait -PassThru
if ($p.ExitCode -ne 0 -and $p.ExitCode -ne 3010) { throw "msiexec failed with exit code $($p.ExitCode); see $log" }
