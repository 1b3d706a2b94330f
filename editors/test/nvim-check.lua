-- Runs in headless Neovim after the README's init.lua opened a copy of
-- examples/quickstart.eng with a mistake (nvim-headless.sh sets it up). Works on
-- Neovim 0.7 to 0.11: only APIs that all of them have, or a fallback.
local buf = vim.api.nvim_get_current_buf()
local failed = 0
local function log(s) io.stderr:write(s .. "\n") end
local function check(ok, what, detail)
  if ok then
    log("  ok   " .. what)
  else
    failed = failed + 1
    log("  FAIL " .. what .. (detail and (": " .. tostring(detail)) or ""))
  end
  return ok
end
local function line_of(pattern)
  for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    local col = l:find(pattern, 1, true)
    if col then return i - 1, col - 1 end
  end
  error("no line holds " .. pattern)
end
local function clients()
  if vim.lsp.get_clients then return vim.lsp.get_clients({ bufnr = buf }) end
  local list = {}
  for _, c in pairs(vim.lsp.buf_get_clients(buf)) do table.insert(list, c) end
  return list
end
local function request(method, line, col)
  local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = line, character = col } }
  local answers = vim.lsp.buf_request_sync(buf, method, params, 10000) or {}
  for _, a in pairs(answers) do
    if a.result then return a.result end
  end
end
local function errors()
  return vim.diagnostic.get(buf, { severity = vim.diagnostic.severity.ERROR })
end

check(vim.bo[buf].filetype == "eng", "the .eng file has filetype eng", vim.bo[buf].filetype)
check(vim.bo[buf].commentstring == "// %s", "commentstring is // %s", vim.bo[buf].commentstring)
vim.wait(10000, function() return #clients() > 0 and clients()[1].initialized ~= false end, 50)
local cs = clients()
check(#cs == 1 and cs[1].name == "engc", "one engc client attached", #cs)

-- Diagnostics: the mistake (`write store dta`, E0101) is an error at its place, with engc's code.
vim.wait(15000, function() return #errors() > 0 end, 50)
local errs = errors()
local mline, mcol = line_of("dta")
if check(#errs == 1, "one error published", #errs) then
  local d = errs[1]
  check(d.source == "engc", "source engc", d.source)
  check(d.code == "E0101", "code E0101", d.code)
  check(d.lnum == mline and d.col == mcol, "at the mistake", d.lnum .. ":" .. d.col .. " want " .. mline .. ":" .. mcol)
  check(d.message:find("dta", 1, true) ~= nil, "message names it", d.message)
  log("       " .. d.lnum + 1 .. ":" .. d.col + 1 .. " " .. d.code .. " " .. d.message)
end

-- Hover on an abstract grant: what it expands to.
local hl, hc = line_of("read store data")
local hover = request("textDocument/hover", hl, hc + 1)
local text = hover and (hover.contents.value or vim.inspect(hover.contents)) or ""
check(text:find("s3:GetObject", 1, true) ~= nil, "hover on `read store data` lists s3:GetObject", text:sub(1, 200))
-- The same through the K key (the README's mapping on 0.7-0.9, Neovim's own on 0.10+).
vim.api.nvim_win_set_cursor(0, { hl + 1, hc + 1 })
vim.api.nvim_feedkeys("K", "x", false)
local float
vim.wait(5000, function()
  for _, w in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_config(w).relative ~= "" then float = w return true end
  end
end, 50)
if check(float ~= nil, "K opens the hover window") then
  local shown = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false), "\n")
  check(shown:find("s3:GetObject", 1, true) ~= nil, "the hover window shows the expansion", shown:sub(1, 200))
  vim.api.nvim_win_close(float, true)
end

-- Completion after `store extra: ` (typed into the buffer): the store kinds.
local last = vim.api.nvim_buf_line_count(buf)
vim.api.nvim_buf_set_lines(buf, last, last, false, { "store extra: " })
vim.wait(400)
local items = request("textDocument/completion", last, #"store extra: ") or {}
items = items.items or items
local labels = {}
for _, it in ipairs(items) do labels[it.label] = true end
check(labels.bucket and labels.registry and labels.s3, "completion after `store extra: ` offers bucket, registry, s3", vim.inspect(vim.tbl_keys(labels)):sub(1, 200))
vim.api.nvim_buf_set_lines(buf, last, last + 1, false, {})

-- Semantic tokens (Neovim 0.9+): the server colours the file; `deployment` is a keyword.
if vim.lsp.semantic_tokens and vim.lsp.semantic_tokens.get_at_pos then
  local dl, dc = line_of("deployment shop")
  local types = {}
  vim.wait(5000, function()
    types = {}
    for _, t in ipairs(vim.lsp.semantic_tokens.get_at_pos(buf, dl, dc) or {}) do
      table.insert(types, t.type)
    end
    return #types > 0
  end, 50)
  check(vim.tbl_contains(types, "keyword"), "semantic token: `deployment` is a keyword", table.concat(types, ","))
end

-- As you type: fixing the mistake clears the error.
vim.api.nvim_buf_set_text(buf, mline, mcol, mline, mcol + 3, { "data" })
vim.wait(10000, function() return #errors() == 0 end, 50)
check(#errors() == 0, "the fix clears the error", #errors())

log(failed == 0 and "nvim: all passed" or ("nvim: " .. failed .. " failed"))
if failed == 0 then vim.cmd("qall!") else vim.cmd("cquit 1") end
