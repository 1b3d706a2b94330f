;;; emacs-check.el --- the README's Emacs configuration, run in `emacs --batch'  -*- lexical-binding: t -*-
;; emacs-batch.sh loads the README's block, then this file, which opens a copy of
;; examples/quickstart.eng with a mistake and asserts on what eglot gets from engc:
;; the Flymake diagnostic, the hover, completion, an edit that clears the error, and
;; a parameter value from `eglot-workspace-configuration'.
(require 'cl-lib)
(require 'flymake)

(defvar engc-test-failed 0)
(defun engc-test-check (ok what &optional detail)
  (if ok
      (message "  ok   %s" what)
    (cl-incf engc-test-failed)
    (message "  FAIL %s%s" what (if detail (format ": %S" detail) "")))
  ok)
(defun engc-test-wait (pred seconds)
  "Let timers and the server run until PRED holds or SECONDS pass."
  (let ((end (+ (float-time) seconds)))
    (while (and (not (funcall pred)) (< (float-time) end))
      (accept-process-output nil 0.05))
    (funcall pred)))
(defun engc-test-goto (text &optional offset)
  (goto-char (point-min))
  (search-forward text)
  (goto-char (+ (match-beginning 0) (or offset 0))))
(defun engc-test-errors ()
  ;; eglot gives LSP errors its own Flymake type, `eglot-error'.
  (cl-remove-if-not (lambda (d) (memq (flymake-diagnostic-type d) '(eglot-error :error)))
                    (flymake-diagnostics)))
(defun engc-test-hover ()
  (let ((r (jsonrpc-request (eglot--current-server-or-lose) :textDocument/hover
                            (eglot--TextDocumentPositionParams))))
    (format "%s" (plist-get (plist-get r :contents) :value))))

;; A parameter value, as the README shows it.
(setq-default eglot-workspace-configuration '(:engc (:set (:external_id "ext-42"))))

(find-file "quickstart.eng")
(engc-test-check (eq major-mode 'eng-mode) "the .eng file is in eng-mode" major-mode)
;; eglot-ensure connects after the command that opened the file: run that hook.
(run-hooks 'post-command-hook)
(engc-test-check (engc-test-wait (lambda () (eglot-current-server)) 20)
                 "eglot connects to engc")
(engc-test-check (equal (process-command (jsonrpc--process (eglot-current-server)))
                        '("engc" "lsp"))
                 "the server is `engc lsp'")

(engc-test-check (bound-and-true-p flymake-mode) "eglot turned Flymake on")

;; Diagnostics: the mistake (`write store dta', E0101), where it is.
(engc-test-wait (lambda () (engc-test-errors)) 20)
(let ((errs (engc-test-errors)))
  (when (engc-test-check (= (length errs) 1) "one error in Flymake" (length errs))
    (let ((d (car errs)))
      (engc-test-goto "store dta" 6)
      (engc-test-check (= (flymake-diagnostic-beg d) (point)) "at the mistake"
                       (list (flymake-diagnostic-beg d) (point)))
      (engc-test-check (string-match-p "E0101" (flymake-diagnostic-text d)) "code E0101"
                       (flymake-diagnostic-text d))
      (engc-test-check (string-match-p "dta" (flymake-diagnostic-text d)) "the message names it")
      (message "       %s" (flymake-diagnostic-text d)))))

;; Hover on an abstract grant.
(engc-test-goto "read store data" 1)
(let ((h (engc-test-hover)))
  (engc-test-check (string-match-p "s3:GetObject" h) "hover on `read store data' lists s3:GetObject"
                   (substring h 0 (min 200 (length h)))))
;; Hover on a parameter: the value from eglot-workspace-configuration.
(engc-test-goto "${external_id}" 3)
(let ((h (engc-test-hover)))
  (engc-test-check (string-match-p "ext-42" h) "hover on ${external_id} shows its value" h))

;; Completion after `store extra: ', typed at the end.
(goto-char (point-max))
(insert "store extra: ")
(let* ((capf (eglot-completion-at-point))
       (items (and capf (all-completions "" (nth 2 capf)))))
  (engc-test-check (and (member "bucket" items) (member "registry" items) (member "s3" items))
                   "completion after `store extra: ' offers bucket, registry, s3"
                   (seq-take items 10)))
(delete-region (line-beginning-position) (point))

;; As you type: the fix clears the error.
(engc-test-goto "store dta" 6)
(delete-char 3)
(insert "data")
(engc-test-check (engc-test-wait (lambda () (null (engc-test-errors))) 20)
                 "the fix clears the error" (length (engc-test-errors)))

(message (if (= engc-test-failed 0) "emacs: all passed" (format "emacs: %d failed" engc-test-failed)))
(let ((server (eglot-current-server)))
  (when server (ignore-errors (eglot-shutdown server))))
(kill-emacs (if (= engc-test-failed 0) 0 1))
