#ifndef AUTOPIPE_COPENBLAS_SHIM_H
#define AUTOPIPE_COPENBLAS_SHIM_H
// CBLAS and the LAPACK routines autopipe uses, from OpenBLAS (Debian: libopenblas-dev).
#include <cblas.h>


// LAPACK (Fortran calling convention: every argument by pointer).
void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
             double *w, double *work, const int *lwork, int *iwork, const int *liwork, int *info);
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work, const int *lwork,
             int *iwork, int *info);
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info);
void dgelsd_(const int *m, const int *n, const int *nrhs, double *a, const int *lda, double *b,
             const int *ldb, double *s, const double *rcond, int *rank, double *work,
             const int *lwork, int *iwork, int *info);
void dgesv_(const int *n, const int *nrhs, double *a, const int *lda, int *ipiv, double *b,
            const int *ldb, int *info);

// ---- Decomposition family (PCA randomized range finder: QR and LU normalisers) ----
void dgeqrf_(const int *m, const int *n, double *a, const int *lda, double *tau, double *work,
             const int *lwork, int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda, const double *tau,
             double *work, const int *lwork, int *info);
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
// ---- end Decomposition family ----

// ---- Appended by the hgb helper (Boosting/Neighbors/Neural): OpenBLAS dynamic-arch kernel selection, used by
// ---- BLAS.selectKernelsForCPU() (Linalg/BLAS+CoreType.swift). Exported by DYNAMIC_ARCH builds of OpenBLAS.
void gotoblas_dynamic_init(void);
void gotoblas_dynamic_quit(void);
#endif
